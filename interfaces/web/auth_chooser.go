package web

import (
	"html/template"
	"net/http"
	"net/url"
)

type brokerChoice struct {
	Name, Href string
}

// chooseBroker answers GET /auth/login when several brokers are configured
// and none is the default: a page with a login link for each, keeping the
// (sanitised) return path and what the login asks of the provider (asked:
// prompt, max_age, acr_values, already checked).
func (c *AuthController) chooseBroker(w http.ResponseWriter, returnPath string, asked url.Values) {
	var choices []brokerChoice
	for _, name := range c.auth.BrokerNames() {
		q := url.Values{"redirecturl": {returnPath}}
		for k, v := range asked {
			q[k] = v
		}
		href := "/auth/login/" + url.PathEscape(name) + "?" + q.Encode()
		choices = append(choices, brokerChoice{Name: name, Href: href})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = brokerChoiceTemplate.Execute(w, choices)
}

var brokerChoiceTemplate = template.Must(template.New("choose-broker").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Log in</title><style>` + PageStyle + `</style></head>
<body><main class="page"><div class="card"><h1>Log in</h1><ul>
{{range .}}<li><a class="broker" id="login-{{.Name}}" href="{{.Href}}">Log in with {{.Name}}</a></li>
{{end}}</ul></div></main></body></html>`))
