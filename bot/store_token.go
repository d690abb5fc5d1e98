package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// TokenCache keeps WeChat's access_token in Redis, so every replica uses the same one. It
// satisfies the WeChat API client's cache interface; see keys.go for the key.
type TokenCache struct {
	rdb  redis.UniversalClient
	keys keys
}

// NewTokenCache returns a cache that stores each token under prefix+key.
func NewTokenCache(rdb redis.UniversalClient, prefix string) *TokenCache {
	return &TokenCache{rdb: rdb, keys: keys{prefix: prefix}}
}

// Get returns the token stored under key, or "" and a nil error when there is none.
func (c *TokenCache) Get(ctx context.Context, key string) (string, error) {
	v, err := c.rdb.Get(ctx, c.keys.token(key)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("bot: get token: %w", err)
	}
	return v, nil
}

// Set stores a token under key for ttl.
func (c *TokenCache) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := c.rdb.Set(ctx, c.keys.token(key), value, ttl).Err(); err != nil {
		return fmt.Errorf("bot: set token: %w", err)
	}
	return nil
}

// Delete removes the token stored under key.
func (c *TokenCache) Delete(ctx context.Context, key string) error {
	if err := c.rdb.Del(ctx, c.keys.token(key)).Err(); err != nil {
		return fmt.Errorf("bot: delete token: %w", err)
	}
	return nil
}
