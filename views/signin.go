package views

type fieldError struct {
	field   string // id of the input
	message string
}

// devFormErrors lists the form's errors in the order of its fields, for the
// error summary whose links lead to each field.
func devFormErrors(f DevForm) []fieldError {
	var out []fieldError
	for _, fe := range []fieldError{{"dev-name", f.Errors["name"]}, {"dev-email", f.Errors["email"]}} {
		if fe.message != "" {
			out = append(out, fe)
		}
	}
	return out
}
