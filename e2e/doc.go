// Package e2e drives the portal's pages in a real headless Chromium against
// a real test app (P2); see internal/browsertest.
package e2e
