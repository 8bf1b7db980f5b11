// Package apierr builds the 400 answers that name the faulty field, in
// PocketBase's error shape {status, message, data: {field: {code, message}}}.
package apierr

import (
	"errors"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Field is a 400 naming field, with a machine code and a message for people.
func Field(field, code, message string) error {
	return router.NewBadRequestError(message, validation.Errors{field: validation.NewError(code, message)})
}

// FieldParams is Field with the values its message names, for pages that
// say it in their own language.
func FieldParams(field, code string, params map[string]any, message string) error {
	return router.NewBadRequestError(message, validation.Errors{field: validation.NewError(code, message).SetParams(params)})
}

// Or keeps an error that already has an HTTP status (a hook's own answer)
// and answers fallback for any other.
func Or(err error, fallback *router.ApiError) error {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	return fallback
}
