package application_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
)

// A whole login without a browser: LoginStart gives the provider's URL,
// the fake provider's form answers with the callback URL, Callback stores
// the identity in the session.
func ExampleAuthManager() {
	ctx := context.Background()
	dev, _ := fakebroker.New(fakebroker.Config{Broker: "dev", Users: []fakebroker.User{
		{Username: "ada", Password: "ada", User: domain.User{Sub: "ada", Name: "Ada Lovelace"}},
	}})
	auth := application.NewAuthManager(map[string]domain.IdentityProvider{"dev": dev}, application.Options{})
	session := domain.NewSession()

	login, _ := auth.LoginStart(ctx, session, "dev", "/account")
	u, _ := url.Parse(login)
	callback, _ := dev.Authorize("ada", "ada", u.Query()) // the user fills in the form
	cb, _ := url.Parse(callback)
	returnTo, err := auth.Callback(ctx, session, "dev", cb.Query())
	if err != nil {
		fmt.Println(err)
		return
	}
	token, _ := auth.IDToken(ctx, session)
	fmt.Println(returnTo, token.Subject)
	// Output:
	// /account ada
}

// UserService tells who is logged in; a guest when nobody is.
func ExampleUserService() {
	var users application.UserServiceInterface = new(application.UserService)
	session := domain.NewSession()
	fmt.Println(users.IsLoggedIn(context.Background(), session), users.GetUser(context.Background(), session).Type)
	// Output:
	// false guest
}
