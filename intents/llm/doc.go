// Package llm is a Classifier that asks a model, through an OpenAI-compatible
// chat completions API (OpenAI, Azure OpenAI, or a local server such as
// Ollama or vLLM), which kind of request a message is, and falls back to
// oktabot's free-text rules whenever the model does not give a usable answer.
//
// # How it asks
//
// The model gets a fixed system prompt, the text of the message and one
// function tool per catalogue kind (plus "unknown"), whose JSON schemas
// Tools derives from intents.Catalogue. It calls one tool for each request
// of the message (ClassifyAll takes several, Classify exactly one). Each
// call's arguments go through intents.FromArgs — the slash grammar's own
// validators, which reject unknown properties — and freetext.Grounded, which
// refuses users and names that are not in the message and action kinds the
// message does not ask for with an explicit verb.
//
// # When the rules decide
//
// Slash commands never reach the model, nor, in ClassifyAll, a pronoun
// standing for a person ("suspend him"): the rules resolve it against the
// conversation's subject (freetext.WithSubject). Any failure — an HTTP error, the
// Timeout (10s by default), no tool call (or, for Classify, several; for ClassifyAll, more than
// freetext.MaxRequests), any call with a tool that is no
// kind, "unknown", arguments that are not JSON or do not validate — is
// logged at debug level with its reason and answered by Config.Fallback
// (freetext.Rules by default). ClassifyBy says which path decided.
//
// # What it must not do
//
// It never sends Okta data to the model: the request body holds only the
// system prompt, the message text and the tools. It never logs the API key
// (nor the message text), performs no action, and reads no environment:
// cmd/oktabot maps OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL to
// Config.
package llm
