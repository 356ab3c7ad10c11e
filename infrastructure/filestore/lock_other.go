//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package filestore

import "os"

// Without flock, saves are serialised within the process only: on these
// systems a session directory must not be shared by several processes.

func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
