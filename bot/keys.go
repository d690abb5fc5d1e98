package bot

import (
	"strconv"
	"time"
)

// What yilianbot keeps in Redis. Every key starts with the prefix (Options.Prefix, REDIS_PREFIX,
// default "yl:"). {…} is a Redis Cluster hash tag: the keys of one user share a slot, and so do
// all ticket keys, so that one pipeline or MULTI touches one node.
//
// Per user (openid), written on the message path:
//
//	u:{<openid>}:dd:<dedupe>   string  the reply to one delivery (JSON Reply; "" while being answered);
//	                                   <dedupe> is Message.DedupeKey()                    TTL 10 min
//	u:{<openid>}:lock          string  token of the request answering this user's message   TTL 5 s
//	u:{<openid>}:rl:<minute>   counter messages in one minute (unix minute), rate limit     TTL 61 s
//	u:{<openid>}:lk:<minute>   counter ticket lookups in one minute                         TTL 61 s
//	u:{<openid>}:sess          string  the session (JSON)         TTL max(24 h, 2×Options.SessionTTL)
//	u:{<openid>}:tr            list    masked transcript (JSON Turn), newest first, last 50 turns;
//	                                   TTL Options.TranscriptTTL, default 7 days
//	u:{<openid>}:pending       list    agents' replies not yet delivered (JSON), newest first
//	                                                                                       TTL 30 days
//	u:{<openid>}:csat          string  number of the ticket whose score is asked for       TTL 7 days
//
// Tickets (the agents' desk):
//
//	{tickets}:t:<no>           string  the ticket (JSON Ticket): the user's masked words (at most
//	                                   500 runes), phone, merchant number, a masked copy of the
//	                                   last 10 transcript turns, agents' replies (masked phones;
//	                                   replies with secrets are refused)
//	                                   no TTL while open or processing; once resolved or closed,
//	                                   TTL Options.TicketRetention (default 365 days), cleared if
//	                                   the ticket is reopened
//	{tickets}:user:<openid>    zset    the user's ticket numbers, scored by creation time   no TTL
//	{tickets}:due              zset    every ticket number, scored by due time              no TTL
//	                                   (the two indexes outlive expired tickets: reads skip the
//	                                   numbers whose ticket is gone and ZREM them)
//	{tickets}:seq:<YYYYMMDD>   counter the day's last ticket sequence number               TTL 72 h
//	{tickets}:flow:<id>        string  the ticket a ticket flow created (re-delivery guard)  TTL 24 h
//	{tickets}:events           stream  every ticket event (EventsStream), capped ~100000 entries
//
// The desk's indexes, so that no list, filter or count reads every ticket. A zset "by queue
// order" is scored queueScore(priority, due): urgent tickets in [0, 1e10), normal ones in
// [1e10, 2e10), each band by due time (unix seconds). A priority filter is a score range, the
// overdue filter the part of a band below now, and the queue's order is the zset's. <base> is
// s:<status>, or "active" (open and processing); each base has its sets by type and by
// assignee, so the queue filtered by one of them is one range of one zset.
//
//	{tickets}:ix:<base>              zset by queue order: the base's tickets              no TTL
//	{tickets}:ix:<base>:type:<type>  zset by queue order                                 no TTL
//	{tickets}:ix:<base>:agent:<name> zset by queue order: assigned to the agent          no TTL
//	{tickets}:ix:<base>:unassigned   zset by queue order                                 no TTL
//	{tickets}:ix:mch:<merchant no>   zset by queue order (search)                        no TTL
//	{tickets}:ix:ph4:<last 4 digits> zset by queue order: the contact phone's last 4     no TTL
//	{tickets}:ix:expiry              zset "<no>|<index>|<index>…" of resolved and closed
//	                                 tickets by when their retention ends; Bot.Sweep
//	                                 removes expired tickets from the indexes it names     no TTL
//	{tickets}:ix:version             string the index layout version; absent: Bot.Migrate
//	                                 indexes the tickets of the old layout                 no TTL
//	{tickets}:tmp:<random>           zset  a filter's intersection, deleted in the same
//	                                 request                                              TTL 10 s
//	{tickets}:stats:<YYYYMMDD>       hash  the day's ticket counters (see store.count)    TTL 400 days
//	{tickets}:tl:<no>                stream the ticket's timeline (TimelineEvent), at most ~1000
//	                                 entries; expires with its ticket
//	{tickets}:audit                  stream who did what (AuditEntry): logins, agent changes,
//	                                 ticket actions; capped ~500000 entries (years of a desk)
//
// Agents and their credentials ({desk} keeps them in one slot). Session ids and API tokens are
// kept only as SHA-256 hashes, passwords as argon2id hashes:
//
//	{desk}:agents                    zset  agent names by creation time                   no TTL
//	{desk}:agent:<name>              hash  role, disabled, created_at, password (PHC string) no TTL
//	{desk}:agent:<name>:sess         zset  the agent's session hashes by absolute expiry  no TTL
//	{desk}:agent:<name>:tok          hash  API token id → JSON (label, created_at, hash)   no TTL
//	{desk}:sess:<sha256>             hash  a desk session: agent, csrf, max (absolute end,
//	                                       Unix s), idle (idle end, Unix ms); both ends are
//	                                       checked on the bot's clock
//	                                       TTL DESK_IDLE_TIMEOUT, slid on use; at most 12 h
//	{desk}:tok:<sha256>              hash  an API token: agent, id, last_used              no TTL
//	{desk}:fail:a:<name>             counter failed logins of an account          TTL 15 min
//	{desk}:fail:ip:<address>         counter failed logins from an address        TTL 15 min
//
// Signed callbacks, against replays (Message.CallbackID; not per user: an attacker replaying a
// signature changes the openid):
//
//	cb:<callbackid>            string  the BodyHash first seen with the callback           TTL 10 min
//
// It is claimed with SET NX GET in begin's pipeline, next to the user's keys. On Redis Cluster
// it hashes to another slot than the user's {openid} keys; that is fine for go-redis's
// ClusterClient, which splits a pipeline by node (begin's pipeline is no MULTI, and the group
// commit already mixes users' slots). While Redis is down the bot answers statelessly and
// skips the claim.
//
// Dialogue statistics, by day in the service hours' time zone:
//
//	stats:<YYYYMMDD>           hash    "<category>:<counter>" → count (see DayStats)       TTL 400 days
//	unknown:<YYYYMMDD>         zset    masked questions nobody could answer, by count       TTL 90 days
//
// Shared by the replicas' WeChat API clients (TokenCache):
//
//	wechat:access_token:<appid> string WeChat's access_token                  TTL as WeChat grants it

// What is kept of a user's words, where and how long: the masked, capped transcript for
// Options.TranscriptTTL (7 days); the session (with a paused ticket flow's masked answers) for
// max(24 h, 2×SessionTTL); masked questions nobody answered for 90 days; agents' replies not yet
// delivered for 30 days; tickets for TicketRetention after they are resolved or closed. No
// payment secret is kept anywhere (bot/secret masks it before anything is stored, logged,
// searched or sent; TestCorpusNoSecretAtRest checks every key).
//
// Resolved tickets expire too, not only closed ones: agents often leave a ticket resolved, and
// it would otherwise keep personal data for ever. The retention starts when the ticket is
// resolved or closed, so the 7-day satisfaction question and any late reply still find it. 365
// days covers a year of complaint statistics and disputes raised long after a payment; if
// compliance requires longer, TicketRetention is configurable.
//
// Time to live of the keys above. The session and transcript TTLs come from Options.
const (
	dedupeTTL      = 10 * time.Minute
	lockTTL        = 5 * time.Second
	minuteTTL      = 61 * time.Second // a per-minute counter outlives its minute
	sessionKeepMin = 24 * time.Hour
	transcriptLen  = 50
	pendingTTL     = 30 * 24 * time.Hour
	csatTTL        = 7 * 24 * time.Hour
	ticketSeqTTL   = 72 * time.Hour
	ticketFlowTTL  = 24 * time.Hour
	eventsMaxLen   = 100000
	statsTTL       = 400 * 24 * time.Hour
	unknownTTL     = 90 * 24 * time.Hour
	callbackTTL    = 10 * time.Minute

	timelineMaxLen = 1000
	auditMaxLen    = 500000
	tmpTTL         = 10 * time.Second
)

// EventsStream is the Redis Stream (under the key prefix) to which every ticket event is
// appended, for external ticketing systems to consume with a consumer group.
const EventsStream = "{tickets}:events"

// keys names the keys above under one prefix.
type keys struct{ prefix string }

func (k keys) user(openID, suffix string) string { return k.prefix + "u:{" + openID + "}:" + suffix }

func (k keys) dedupe(m Message) string         { return k.user(m.OpenID, "dd:"+m.DedupeKey()) }
func (k keys) lock(openID string) string       { return k.user(openID, "lock") }
func (k keys) session(openID string) string    { return k.user(openID, "sess") }
func (k keys) transcript(openID string) string { return k.user(openID, "tr") }
func (k keys) pending(openID string) string    { return k.user(openID, "pending") }
func (k keys) csat(openID string) string       { return k.user(openID, "csat") }

// rate is the user's message counter of now's minute.
func (k keys) rate(openID string, now time.Time) string {
	return k.user(openID, "rl:"+strconv.FormatInt(now.Unix()/60, 10))
}

// lookups is the user's ticket-lookup counter of now's minute.
func (k keys) lookups(openID string, now time.Time) string {
	return k.user(openID, "lk:"+strconv.FormatInt(now.Unix()/60, 10))
}

func (k keys) ticket(no string) string          { return k.prefix + "{tickets}:t:" + no }
func (k keys) userTickets(openID string) string { return k.prefix + "{tickets}:user:" + openID }
func (k keys) due() string                      { return k.prefix + "{tickets}:due" }
func (k keys) ticketSeq(day string) string      { return k.prefix + "{tickets}:seq:" + day }
func (k keys) ticketFlow(id string) string      { return k.prefix + "{tickets}:flow:" + id }
func (k keys) events() string                   { return k.prefix + EventsStream }

func (k keys) callback(id string) string { return k.prefix + "cb:" + id }

// ix is an index key; part is what follows "{tickets}:ix:" (the parts of an expiry card).
func (k keys) ix(part string) string            { return k.prefix + "{tickets}:ix:" + part }
func (k keys) ixActive() string                 { return k.ix("active") }
func (k keys) ixStatus(s Status) string         { return k.ix("s:" + string(s)) }
func (k keys) expiry() string                   { return k.ix("expiry") }
func (k keys) ixVersion() string                { return k.ix("version") }
func (k keys) tmp(id string) string             { return k.prefix + "{tickets}:tmp:" + id }
func (k keys) ticketStats(day string) string    { return k.prefix + "{tickets}:stats:" + day }
func (k keys) timeline(no string) string        { return k.prefix + "{tickets}:tl:" + no }
func (k keys) audit() string                    { return k.prefix + "{tickets}:audit" }
func (k keys) agents() string                   { return k.prefix + "{desk}:agents" }
func (k keys) agent(name string) string         { return k.prefix + "{desk}:agent:" + name }
func (k keys) agentSessions(name string) string { return k.agent(name) + ":sess" }
func (k keys) agentTokens(name string) string   { return k.agent(name) + ":tok" }
func (k keys) deskSession(hash string) string   { return k.prefix + "{desk}:sess:" + hash }
func (k keys) apiToken(hash string) string      { return k.prefix + "{desk}:tok:" + hash }
func (k keys) loginFails(kind, id string) string {
	return k.prefix + "{desk}:fail:" + kind + ":" + id
}

func (k keys) stats(day string) string   { return k.prefix + "stats:" + day }
func (k keys) unknown(day string) string { return k.prefix + "unknown:" + day }

// token is the key of a cached WeChat token; name comes from the API client
// ("wechat:access_token:<appid>").
func (k keys) token(name string) string { return k.prefix + name }
