// Package wechat is yilianbot's side of the WeChat Official Account protocol, in both
// directions.
//
// Inbound, WeChat posts callbacks to the webhook: [Settings.Verify] checks their signature and
// timestamp, [Settings.Decode] opens them (decrypting safe-mode bodies), [RenderText] and
// [RenderTransfer] write the passive reply, and [Settings.Seal] encrypts it when the callback
// was encrypted. [CallbackID] and [BodyHash] let the bot tell WeChat's re-delivery of a callback
// from its signed URL reused with another body.
//
// Outbound, a [Client] calls WeChat's server API with a shared access token: customer-service
// and template messages, and the custom menu.
//
// A [Simulator] plays WeChat's part of the callbacks, for the chat command, the load generator
// and tests; package wechatfake plays its part of the server API.
//
// The package speaks WeChat's vocabulary (MixMessage, openids, errcodes) and knows
// nothing of the dialogue: the webhook handler translates.
package wechat
