package wechat

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"math/big"
	"sort"
)

// Signature is WeChat's signature of parts: the hex SHA-1 of the parts sorted and
// concatenated. Callbacks are signed over the token, timestamp and nonce; encrypted bodies
// over those and the ciphertext.
func Signature(parts ...string) string {
	sort.Strings(parts)
	h := sha1.New()
	for _, p := range parts {
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// HashOpenID is how an openid appears in logs: a short, stable, irreversible tag.
func HashOpenID(openID string) string {
	h := sha256.Sum256([]byte("yilianbot:" + openID))
	return hex.EncodeToString(h[:6])
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		x, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alnum))))
		b[i] = alnum[x.Int64()]
	}
	return string(b)
}

func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		x, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + x.Int64())
	}
	return string(b)
}
