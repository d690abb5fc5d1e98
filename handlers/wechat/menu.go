package wechat

import (
	"context"
	"encoding/json"
	"fmt"
)

// WeChat's limits on the custom menu. Names and keys are counted in bytes of UTF-8, so a
// top-level name holds 5 Chinese characters.
const (
	MaxMenuButtons        = 3   // top-level buttons
	MaxSubButtons         = 5   // sub-buttons under one top-level button
	MaxButtonNameBytes    = 16  // name of a top-level button
	MaxSubButtonNameBytes = 60  // name of a sub-button
	MaxMenuKeyBytes       = 128 // key of a click button
)

// CreateMenu replaces the account's custom menu with buttons. WeChat refuses a menu over the
// limits above with an *[APIError]; callers check them first to say what is wrong.
func (c *Client) CreateMenu(ctx context.Context, buttons []*Button) error {
	body, err := json.Marshal(struct {
		Button []*Button `json:"button"`
	}{buttons})
	if err != nil {
		return fmt.Errorf("wechat: create menu: %w", err)
	}
	if err := c.call(ctx, "/cgi-bin/menu/create", body); err != nil {
		return fmt.Errorf("wechat: create menu: %w", err)
	}
	return nil
}
