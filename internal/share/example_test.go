package share_test

import (
	"fmt"
	"time"

	"github.com/satchel-backpack/satchel/internal/share"
)

func ExampleLinkedInAddToProfile() {
	link, err := share.LinkedInAddToProfile(share.Badge{
		Name:         "Web Accessibility Fundamentals",
		IssuerName:   "Open University",
		IssuedOn:     time.Date(2025, time.January, 15, 0, 0, 0, 0, time.UTC),
		Expires:      time.Date(2027, time.December, 31, 0, 0, 0, 0, time.UTC),
		URL:          "https://satchel.example/b/7fQk2mZp9XcA",
		CredentialID: "https://issuer.example/assertions/42",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(link)
	// Output:
	// https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Web%20Accessibility%20Fundamentals&organizationName=Open%20University&issueYear=2025&issueMonth=1&expirationYear=2027&expirationMonth=12&certUrl=https%3A%2F%2Fsatchel.example%2Fb%2F7fQk2mZp9XcA&certId=https%3A%2F%2Fissuer.example%2Fassertions%2F42
}

func ExampleMastodon() {
	link, err := share.Mastodon("@ada@hachyderm.io", "https://satchel.example/b/7fQk2mZp9XcA", "I earned a badge!")
	if err != nil {
		panic(err)
	}
	fmt.Println(link)
	// Output:
	// https://hachyderm.io/share?text=I%20earned%20a%20badge%21%20https%3A%2F%2Fsatchel.example%2Fb%2F7fQk2mZp9XcA
}
