package security

import (
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/internal/schema"
	"vigie/internal/totp"
)

// Second-factor codes are limited per account (S11): at most
// maxAccountFailures wrong codes in any hour, through every challenge and
// every address, so that a password thief cannot try more by signing in
// again or from elsewhere.
const (
	maxAccountFailures = 10
	failureWindow      = time.Hour
)

// failureTime is the stored form of a failure's time: fixed width, so that
// SQLite compares the strings as times.
const failureTime = "2006-01-02T15:04:05.000000000Z"

// errSecondFactorLimited answers an attempt past the account's limit,
// without checking its code.
var errSecondFactorLimited = router.NewApiError(http.StatusTooManyRequests,
	"Too many wrong codes for this account in the last hour: try again later.", nil)

// useSecondFactor consumes a TOTP code (its step) or a recovery code, once,
// for the account of secretRec. The attempt first takes one of the
// account's failures, by a conditional UPDATE, and gives it back when the
// code is right: parallel attempts cannot check more codes than the limit.
// It answers errSecondFactorLimited past the limit, and tells the holder
// when a wrong code reaches it.
func (s *Service) useSecondFactor(app core.App, user, secretRec *core.Record, secret, code, recovery string) (bool, error) {
	mine := s.Now().UTC().Format(failureTime)
	count, err := takeFailure(app, secretRec.Id, mine, s.Now().Add(-failureWindow).UTC().Format(failureTime))
	if err != nil {
		return false, err
	}
	ok, err := consumeCode(app, secretRec, secret, code, recovery, s.Now())
	if err != nil {
		return false, err
	}
	if ok {
		return true, giveBackFailure(app, secretRec.Id, mine)
	}
	if count == maxAccountFailures {
		err = s.noticeCredential(app, user, KindTOTPLimited, user.Email())
	}
	return false, err
}

// takeFailure counts one failure at the time mine for the secret's account,
// forgetting those before since, unless the account already has its
// maximum; it answers the account's failures, this one included.
func takeFailure(app core.App, secretID, mine, since string) (int, error) {
	var count int
	err := app.NonconcurrentDB().NewQuery(`
		UPDATE {{` + schema.TOTPSecrets + `}}
		SET [[failedAt]] = (SELECT json_group_array(value) FROM (
			SELECT value FROM json_each(CASE WHEN json_valid([[failedAt]]) THEN [[failedAt]] ELSE '[]' END) WHERE value > {:since}
			UNION ALL SELECT {:mine}))
		WHERE [[id]] = {:id} AND (
			SELECT COUNT(*) FROM json_each(CASE WHEN json_valid([[failedAt]]) THEN [[failedAt]] ELSE '[]' END) WHERE value > {:since}
		) < {:max}
		RETURNING json_array_length([[failedAt]])`).
		Bind(dbx.Params{"id": secretID, "mine": mine, "since": since, "max": maxAccountFailures}).
		Row(&count)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errSecondFactorLimited
	}
	return count, err
}

// giveBackFailure forgets the failure taken at mine: the code was right.
func giveBackFailure(app core.App, secretID, mine string) error {
	_, err := app.NonconcurrentDB().NewQuery(`
		UPDATE {{` + schema.TOTPSecrets + `}}
		SET [[failedAt]] = (SELECT json_group_array(value) FROM json_each([[failedAt]]) WHERE value != {:mine})
		WHERE [[id]] = {:id} AND json_valid([[failedAt]])`).
		Bind(dbx.Params{"id": secretID, "mine": mine}).Execute()
	return err
}

// consumeCode accepts a TOTP code whose step is later than the last one
// used, or one of the recovery codes, each by a conditional UPDATE: of
// parallel requests with the same code, one only is accepted.
func consumeCode(app core.App, secretRec *core.Record, secret, code, recovery string, now time.Time) (bool, error) {
	var res sql.Result
	var err error
	switch {
	case code != "":
		step, ok := totp.Verify(secret, code, now, int64(secretRec.GetInt("lastStep")))
		if !ok {
			return false, nil
		}
		res, err = app.NonconcurrentDB().NewQuery(`
			UPDATE {{` + schema.TOTPSecrets + `}} SET [[lastStep]] = {:step}
			WHERE [[id]] = {:id} AND [[lastStep]] < {:step}`).
			Bind(dbx.Params{"id": secretRec.Id, "step": step}).Execute()
	case recovery != "":
		var hashes []string
		if err := secretRec.UnmarshalJSONField("recoveryHashes", &hashes); err != nil {
			return false, nil
		}
		i := totp.MatchRecovery(recovery, hashes)
		if i < 0 {
			return false, nil
		}
		res, err = app.NonconcurrentDB().NewQuery(`
			UPDATE {{` + schema.TOTPSecrets + `}}
			SET [[recoveryHashes]] = (SELECT json_group_array(value) FROM json_each([[recoveryHashes]]) WHERE value != {:hash})
			WHERE [[id]] = {:id} AND EXISTS (SELECT 1 FROM json_each([[recoveryHashes]]) WHERE value = {:hash})`).
			Bind(dbx.Params{"id": secretRec.Id, "hash": hashes[i]}).Execute()
	default:
		return false, nil
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// takeChallengeFailure takes one of a live challenge's failures before its
// code is checked, by a conditional UPDATE (S11): of parallel guesses on
// one challenge, maxChallengeFailures at most are checked. It answers the
// challenge's failures, this one included, or an error when the challenge
// has expired or has none left.
func (s *Service) takeChallengeFailure(app core.App, challengeID string) (int, error) {
	now, err := types.ParseDateTime(s.Now())
	if err != nil {
		return 0, err
	}
	var failures int
	err = app.NonconcurrentDB().NewQuery(`
		UPDATE {{` + schema.TOTPChallenges + `}} SET [[failures]] = [[failures]] + 1
		WHERE [[id]] = {:id} AND [[failures]] < {:max} AND [[expiresAt]] > {:now}
		RETURNING [[failures]]`).
		Bind(dbx.Params{"id": challengeID, "max": maxChallengeFailures, "now": now.String()}).
		Row(&failures)
	return failures, err
}

// redeemChallenge deletes the challenge, answering whether this request is
// the one that did: one token per challenge.
func redeemChallenge(app core.App, challengeID string) (bool, error) {
	res, err := app.NonconcurrentDB().Delete(schema.TOTPChallenges, dbx.HashExp{"id": challengeID}).Execute()
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
