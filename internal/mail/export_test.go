package mail

import (
	"bytes"
	"net/mail"
	"time"
)

// Render is the message Send would write after DATA, for tests that read
// it back as a mail client would.
func Render(from *mail.Address, m Message, date time.Time) ([]byte, error) {
	msg, err := compose(from, m, date)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
