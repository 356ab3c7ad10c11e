// Package mocks holds gomock mocks of sessionauth's ports, for unit tests of
// code that uses them. Regenerate with `go generate ./...` (make generate).
package mocks

//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=session_repository.go -package=mocks github.com/sessionauth/sessionauth/domain SessionRepository
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=cookie_signer.go -package=mocks github.com/sessionauth/sessionauth/domain CookieSigner
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=identity_provider.go -package=mocks github.com/sessionauth/sessionauth/domain IdentityProvider
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=session_index.go -package=mocks github.com/sessionauth/sessionauth/domain SessionIndex
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=session_cookies.go -package=mocks github.com/sessionauth/sessionauth/domain SessionCookies
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=logout_token_verifier.go -package=mocks github.com/sessionauth/sessionauth/domain LogoutTokenVerifier
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=user_service.go -package=mocks github.com/sessionauth/sessionauth/application UserServiceInterface,LoginSubscriber
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=front_channel_logouter.go -package=mocks github.com/sessionauth/sessionauth/domain FrontChannelLogouter
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=end_session_requester.go -package=mocks github.com/sessionauth/sessionauth/domain EndSessionRequester
//go:generate go run github.com/golang/mock/mockgen@v1.6.0 -destination=token_revoker.go -package=mocks github.com/sessionauth/sessionauth/domain TokenRevoker
