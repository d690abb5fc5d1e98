package bot

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Agents' passwords are hashed with argon2id (RFC 9106), the memory-hard winner of the Password
// Hashing Competition: a stolen Redis dump costs an attacker 19 MiB and two passes per guess,
// which GPUs do not parallelize cheaply, where bcrypt would cost 4 KiB. The parameters are
// OWASP's first recommendation (m=19 MiB, t=2, p=1); on the development machine a hash takes
// about 30 ms. They are encoded with the salt and hash in a PHC string, so that stronger
// parameters later do not invalidate stored hashes:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<hash, base64>
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// dummyHash is checked against when the login name is unknown, so that an unknown name takes
// as long as a wrong password. Its password is random and was thrown away.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$WKK2Lzk9xih7GkwoTHIB1w$te+usoQ2ynJyEQ6W4RX6VIyfbPv4l+92LC8pYsPfpM0"

// hashPassword returns the PHC string of password under a fresh salt.
func hashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	h := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(h))
}

// checkPassword reports whether password matches the PHC string encoded, in constant time.
func checkPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
