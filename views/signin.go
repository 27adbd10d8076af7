package views

import "github.com/satchel-backpack/satchel/views/components"

// devFormErrors lists the form's errors in the order of its fields, for the
// error summary whose links lead to each field.
func devFormErrors(f DevForm) []components.FieldError {
	var out []components.FieldError
	for _, fe := range []components.FieldError{{ID: "dev-name", Message: f.Errors["name"]}, {ID: "dev-email", Message: f.Errors["email"]}} {
		if fe.Message != "" {
			out = append(out, fe)
		}
	}
	return out
}
