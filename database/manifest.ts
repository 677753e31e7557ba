import type { Manifest } from '../local-cloud/manifest'
import type { ManifestRetention } from './retention'
import { CHILD_DATA, keptRecord } from '../src/domain/identity/inventory'

/** Collections without personal information. */
const PERMANENT: ManifestRetention = {
  text: 'permanent (no personal information)',
  rules: [{ permanent: 'no personal information' }],
}

/**
 * Collections, indexes and retention of the CloudBase environments. local-cloud applies this to
 * its SQLite databases; for CloudBase it documents what to create in the console / CLI.
 *
 * Two environments: the main one (every collection without `env`) and the key environment
 * (`env: 'keys'`, the environment `PI_KEY_ENV` names), which holds only the wrapped data keys so
 * that no backup or export of the main environment contains key material (crypto-shredding).
 *
 * Rules: every field a function filters on with where() in a collection that grows with the
 * number of members or events has an index here (`_id` is always indexed); documents are looked
 * up by `_id` wherever the id can be computed (claims, SMS codes, quotas, sequences).
 * Retention (7.1, L-6): every collection declares its rules as data. A timed rule (a duration
 * after an indexed anchor field) is enforced by the scheduler's sweep of that name; an event rule
 * by the code where the event happens (cancellation: erasure.ts); periods stated to the shopper
 * come from the data inventory (KEPT_RECORDS, CHILD_DATA), so the notice and the sweep agree.
 */
/** Parking sessions, events and plate histories are kept this long after their last event (issue #12). */
const PARKING_RETENTION = keptRecord('parkingSessions').period
/** A car park's day key outlives the day's sessions by a day (plus the day itself). */
const PARKING_KEY_RETENTION = `P${Number(PARKING_RETENTION.slice(1, -1)) + 2}D`

/**
 * SMS codes and daily counts: swept by `expiresAt`; found by phone and by requester when a member
 * is deleted (7.2).
 */
const SMS_INDEXES = [
  { name: 'expires', fields: [{ field: 'expiresAt' }] },
  { name: 'phone', fields: [{ field: 'phoneIndex' }] },
  { name: 'requester', fields: [{ field: 'requester' }] },
]

export const manifest: Manifest = {
  collections: [
    {
      name: 'members',
      large: true,
      description:
        'Pseudonymous member records (3.9, 5.1): _id random, memberNo, memberNoTail (its last 4 digits), tier, points, storeId, gender?, ' +
        'province?, channel (weapp|h5), source? (the channel joined through, first touch: { kind, channelId, ' +
        'storeId, counterId?, at }), status, consents summary, joinedAt, viewDays? (China dates on which the member ' +
        'viewed the member centre: their own views, counted per day, L-14), pointsExpiryReminded? (the China date of the ' +
        'last expiry the member was reminded of, 积分到期提醒), parkingTierFreeDay? (the China day a paid parking ' +
        'payment last used the tier’s free time: once a day), and the points ledger’s state, written with each entry: ' +
        'points, lots (what the member’s points are, by expiry: [{ expiresAt, points, heldUntil?, entry? }]), ' +
        'lotsExpireAt (the first of them), spendMonths (fen per China month), ledgerHead { seq, mac } (the entries’ ' +
        'chain), rewardsHeld { <reward>: n } and rewardsToday { day, counts } (redemptions under the rewards’ limits, ' +
        'written with each redemption), birthdayMarks? { day, month } (keyed hashes of the member id with the birth ' +
        'month-day and with the month, written and removed with the birth date, 6.4.1: how a purchase tells the ' +
        'birthday multiplier without the birth date). No direct identifier.',
      indexes: [
        { name: 'member_no', fields: [{ field: 'memberNo' }], unique: true },
        // The counter's lookup by the member number's last four digits, within the staff's stores.
        { name: 'tail_store', fields: [{ field: 'memberNoTail' }, { field: 'storeId' }] },
        { name: 'store_joined', fields: [{ field: 'storeId' }, { field: 'joinedAt', direction: -1 }] },
        { name: 'tier', fields: [{ field: 'tier' }] },
        { name: 'status', fields: [{ field: 'status' }] },
        // The guardian-pending sweep: children still waiting for a guardian, oldest first.
        { name: 'status_joined', fields: [{ field: 'status' }, { field: 'joinedAt' }] },
        // The points expiry job and its reminder: members by their first lot's expiry.
        { name: 'lots_expire', fields: [{ field: 'lotsExpireAt' }] },
      ],
      retention: {
        text: `until cancellation (7.2); a child waiting for a guardian: ${CHILD_DATA.period} after joinedAt, then erased (L-5)`,
        rules: [
          { on: 'cancellation', action: 'delete' },
          {
            sweep: 'guardianPending',
            after: CHILD_DATA.period,
            anchor: 'joinedAt',
            where: { status: 'guardian_pending' },
            action: 'erase',
          },
        ],
      },
    },
    {
      name: 'identities',
      large: true,
      description:
        'Identity store (5.1): _id = member id; fields.{name,phone,birthDate,…} each {iv,tag,ct} under the ' +
        'member data key (the wrapped key itself is in member_keys, key environment); phoneIndex and ' +
        'openidIndex blind indexes; rev. Read only under a purpose, every read audited.',
      // keyId: documents written before the key store still carry keyId + wrappedKey; the
      // scheduler's key migration finds them with this index and moves the key to member_keys.
      // createdAt: the orphan sweep walks identities whose member record never came to be.
      indexes: [
        { name: 'key_id', fields: [{ field: 'keyId' }] },
        { name: 'created_at', fields: [{ field: 'createdAt' }] },
      ],
      retention: {
        text:
          'until cancellation: its data key is destroyed first, then the document (crypto-shredding); ' +
          'of a sign-up that died half-way: removed by the orphan sweep',
        rules: [
          { on: 'cancellation', action: 'shred' },
          { on: 'abandoned', action: 'shred' },
        ],
      },
    },
    {
      name: 'member_keys',
      env: 'keys',
      large: true,
      description:
        'Key store (5.1, 5.3, 7.2), in the key environment (PI_KEY_ENV) only: the data key of each member ' +
        '(_id = member id) and of each unbound service-desk card (_id = "card:<card-number blind index>"), ' +
        'wrapped with AES-256-GCM under a master key → { kind member|card, owner, keyId, wrappedKey {iv,tag,ct}, ' +
        'createdAt, updatedAt }. No personal information and no ciphertext of any field.',
      // keyId: the re-wrap job after a master-key rotation finds the keys still on an old master key;
      // createdAt: the orphan sweep walks keys whose owner is gone.
      indexes: [
        { name: 'key_id', fields: [{ field: 'keyId' }] },
        { name: 'created_at', fields: [{ field: 'createdAt' }] },
      ],
      retention: {
        text:
          'until the member is deleted or the card bound or expired: removed first, which makes every copy of ' +
          'the main environment unreadable for that owner; the key environment keeps a short backup window only',
        rules: [
          { on: 'cancellation', action: 'delete' },
          { on: 'binding', action: 'delete' },
          { on: 'abandoned', action: 'delete' },
        ],
      },
    },
    {
      name: 'identity_index',
      large: true,
      description:
        'Uniqueness claims: _id = "<kind>:<blind index>" (kind phone, openid, plate, card) → { kind, memberId, at }. ' +
        'Created with add() of that fixed _id, so a concurrent duplicate fails.',
      // memberId: cancellation removes every claim of a member.
      // at: the scheduler releases claims left by sign-ups that died half-way.
      indexes: [
        { name: 'member', fields: [{ field: 'memberId' }] },
        { name: 'claimed_at', fields: [{ field: 'at' }] },
      ],
      retention: {
        text: 'until cancellation or unbinding; claims of a sign-up that died: PT10M after the claim',
        rules: [
          { on: 'cancellation', action: 'delete' },
          { on: 'unbinding', action: 'delete' },
          {
            sweep: 'abandonedClaims',
            after: 'PT10M',
            anchor: 'at',
            action: 'delete',
            unlessOwner: { field: 'memberId', collection: 'members' },
          },
        ],
      },
    },
    {
      name: 'consent_receipts',
      large: true,
      description:
        'Append-only consent receipts (4.1.2): { memberId, purpose, noticeVersion, granted, at, channel, ' +
        'givenBy? (guardian), ageDeclared? (L-5: no birth date given), anonymisedAt? (set by erasure) }.',
      indexes: [
        { name: 'member_time', fields: [{ field: 'memberId' }, { field: 'at', direction: -1 }] },
        { name: 'anonymised', fields: [{ field: 'anonymisedAt' }] },
      ],
      retention: {
        text: `until cancellation; then unlinked (anonymisedAt) and kept ${keptRecord('consentReceipts').period} as proof of consent`,
        rules: [
          { on: 'cancellation', action: 'anonymise' },
          {
            sweep: 'consentReceipts',
            after: keptRecord('consentReceipts').period,
            anchor: 'anonymisedAt',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'sms_codes',
      large: true,
      description:
        'SMS verification codes, one per purpose, phone and WeChat user: _id = "<purpose>:<phone blind index>:' +
        '<requester>"; codeHash (keyed HMAC, never the code), phoneIndex, requester (blind index of the OPENID), ' +
        'sentAt, expiresAt, tries, consumed. Removed with a member who is deleted (their phone, their requests).',
      indexes: SMS_INDEXES,
      retention: {
        text: 'PT1H after expiresAt',
        rules: [{ sweep: 'smsCodes', after: 'PT1H', anchor: 'expiresAt', action: 'delete' }],
      },
    },
    {
      name: 'sms_quota',
      large: true,
      description:
        'Daily counts: SMS sends "<China date>:user:<requester>", "<China date>:pair:<phone blind index>:' +
        '<requester>", "<China date>:phone:<phone blind index>"; wrong card checks "<China date>:cardtry:' +
        '<requester>"; plates another member holds "<China date>:platetry:<requester>"; ' +
        '{ phoneIndex?, requester?, day, count, expiresAt }. Removed with a member who is deleted.',
      indexes: SMS_INDEXES,
      retention: {
        text: 'until expiresAt (its day + P2D)',
        rules: [{ sweep: 'smsQuota', after: 'PT0S', anchor: 'expiresAt', action: 'delete' }],
      },
    },
    {
      name: 'audit_log',
      large: true,
      description:
        'Append-only access log of personal information (5.5, L-14): _id = "<chain>:<seq>" → { at, actor ' +
        '(wx:<keyed hash of OPENID>, staff:<id> or system:<job>), action, purpose, memberId, fields, success, ' +
        'chain, seq, prev (MAC of the entry before), prevAt, salt, mac (HMAC under AUDIT_SIGNING_KEY) }. Only ever ' +
        'added to; on a member’s deletion re-keyed to the anonymous id (memberId, a WeChat actor, salt; redaction).',
      // chain + seq: the verification walks each chain in order (scheduler/integrity.ts).
      indexes: [
        { name: 'chain_seq', fields: [{ field: 'chain' }, { field: 'seq' }] },
        { name: 'member_time', fields: [{ field: 'memberId' }, { field: 'at', direction: -1 }] },
        { name: 'actor_time', fields: [{ field: 'actor' }, { field: 'at', direction: -1 }] },
        { name: 'time', fields: [{ field: 'at', direction: -1 }] },
      ],
      retention: {
        text: `${keptRecord('auditLog').period} after the entry`,
        rules: [{ sweep: 'auditLog', after: keptRecord('auditLog').period, anchor: 'at', action: 'delete' }],
      },
    },
    {
      name: 'audit_chains',
      description:
        'Heads of the audit log’s chains, one per function instance: _id = "c<10-digit number>" (numbers without ' +
        'gaps) → { seq, mac, at (of the last entry), openedAt, sig }. No personal information.',
      retention: {
        text: 'permanent (a few small documents per function instance; no personal information)',
        rules: [{ permanent: 'a few small documents per function instance; no personal information' }],
      },
    },
    {
      name: 'audit_redactions',
      description:
        'Signed records of audit entries re-keyed at a member’s deletion (7.2): _id = "<anonymous id>:<n>" → ' +
        '{ anonId, at, rows: [[entry id, member commitment, actor commitment, actor shown]], sig }. The ' +
        'commitments are salted hashes whose salt is gone: nothing links them to the person.',
      // at: the retention sweep.
      indexes: [{ name: 'time', fields: [{ field: 'at' }] }],
      retention: {
        text: `${keptRecord('auditLog').period} after the redaction: every entry it covers is older`,
        rules: [
          { sweep: 'auditRedactions', after: keptRecord('auditLog').period, anchor: 'at', action: 'delete' },
        ],
      },
    },
    {
      name: 'audit_days',
      large: true,
      description:
        'Per-day counts of the audit log (L-14), for the member’s data copy: _id = "<member id>:<China date>" → ' +
        '{ memberId, day, rows: { <row key>: { actor, action, purpose, fields, success, count } } }, one row per kind ' +
        'of entry, counted as the entries are written. Derived from audit_log; removed with the member.',
      // memberId + day: the data copy reads a member's days in order; day: the retention sweep.
      indexes: [
        { name: 'member_day', fields: [{ field: 'memberId' }, { field: 'day' }] },
        { name: 'day', fields: [{ field: 'day' }] },
      ],
      retention: {
        text: `${keptRecord('auditLog').period} after its China day (as the entries it counts); on cancellation: removed`,
        rules: [
          { on: 'cancellation', action: 'delete' },
          {
            sweep: 'auditDays',
            after: keptRecord('auditLog').period,
            anchor: 'day',
            anchorKind: 'chinaDay',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'jobs',
      description:
        'Progress of the scheduler’s resumable jobs: _id = job key (key-rotation:<key id>, sweep:abandoned-claims) → ' +
        '{ job, cursor, counts, done, updatedAt }. Member ids only where a job failed on them.',
      retention: {
        text: 'permanent (no personal information beyond pseudonymous ids of failures)',
        rules: [{ permanent: 'job progress; at most pseudonymous ids of members a job failed on' }],
      },
    },
    {
      name: 'counters',
      description: 'Sequences: _id = sequence name (memberNo …) → { value }, advanced by compare-and-set.',
      retention: PERMANENT,
    },
    {
      name: 'settings',
      description:
        'Programme settings: _id "controller" = the mall that controls the personal information ' +
        '{ name, contactName, contactPhone, contactEmail } shown in the privacy notice.',
      retention: PERMANENT,
    },
    {
      name: 'stores',
      description: 'Stores of the mall: { name, city, status open|closed, sort }.',
      indexes: [{ name: 'status', fields: [{ field: 'status' }] }],
      retention: PERMANENT,
    },
    {
      name: 'store_counters',
      description:
        'Brand counters and service desks in a store (4.2.2.2 attribution): { storeId, brand, name, floor, kind, status }.',
      indexes: [{ name: 'store', fields: [{ field: 'storeId' }] }],
      retention: PERMANENT,
    },
    {
      name: 'channels',
      description:
        'Channels shoppers join through (4.2.1.2, 4.2.1.6, 4.2.2.2): _id = the short code a mini-program ' +
        'code’s scene carries (unique by being the id, looked up by it) → { kind counter|serviceDesk|event|' +
        'poster|website|social, storeId, counterId?, name, status open|closed }.',
      indexes: [{ name: 'store', fields: [{ field: 'storeId' }] }],
      retention: PERMANENT,
    },
    {
      name: 'channel_days',
      description:
        'Sign-ups per channel per China day (6.5.2), counts only: _id = <channel code>:<day> → ' +
        '{ channelId, storeId, counterId?, day, count }.',
      indexes: [{ name: 'store_day', fields: [{ field: 'storeId' }, { field: 'day', direction: -1 }] }],
      retention: PERMANENT,
    },
    {
      name: 'points_rules',
      description:
        'Versions of the earning rules (6.4.1), never edited: _id = v<n> → { version, effectiveFrom, ' +
        'rules (EarningRules), refundPolicy, holdDays, changedBy, changedAt, note, summary }.',
      indexes: [{ name: 'version', fields: [{ field: 'version', direction: -1 }] }],
      retention: PERMANENT,
    },
    {
      name: 'rewards',
      description:
        'Redemption catalogue (6.4.2): { name, kind parking|gift|coupon|service|voucher, points, stock (taken by ' +
        'one conditional update, stock > 0), perMemberLimit, tiers? (absent: every tier), storeIds? (where its ' +
        'vouchers are used; absent: every store), status active|paused, startsOn?, endsOn?, validDays?, ' +
        'perDayLimit? (per member and China day), parkingMinutes? (parking), createKey?, createdBy?, ' +
        'restockKeys? (the last restocks’ keys: a retried restock adds once) }. Kept in the staff tab.',
      indexes: [{ name: 'status', fields: [{ field: 'status' }] }],
      retention: PERMANENT,
    },
    {
      name: 'staff',
      description:
        'Staff accounts: _id = the blind index of the staff member’s OPENID (never the OPENID) → { staffId, ' +
        'role counter|manager|privacyOfficer|admin, storeIds, counterId?, displayName, status }. Looked up by ' +
        '_id on every call of an action that admits a staff role.',
      // staffId: disabling and enabling name the account; role + status: whether an active admin exists.
      indexes: [
        { name: 'staff_id', fields: [{ field: 'staffId' }], unique: true },
        { name: 'role_status', fields: [{ field: 'role' }, { field: 'status' }] },
      ],
      retention: {
        text: 'until the account is closed',
        rules: [{ on: 'accountClosed', action: 'delete' }],
      },
    },
    {
      name: 'staff_invites',
      description:
        'Invitations of staff accounts: _id = the keyed hash of a one-time invite code (never the code) → { role, ' +
        'storeIds, counterId?, displayName?, createdBy, createdAt, expiresAt (24 h), status open|used|revoked, ' +
        'usedAt?, usedBy? }. Taken once, by one conditional update.',
      indexes: [{ name: 'expires', fields: [{ field: 'expiresAt' }] }],
      retention: {
        text: 'P1D after expiresAt, taken, revoked or not (a taken invite names the account it made until then)',
        rules: [{ sweep: 'staffInvites', after: 'P1D', anchor: 'expiresAt', action: 'delete' }],
      },
    },
    {
      name: 'cards',
      large: true,
      description:
        'Service-desk membership cards (4.2.1.1, 4.2.2.1): _id = card-number blind index; fields.{cardNo,name,phone} ' +
        'encrypted under the card’s own data key (in member_keys as "card:<_id>") until bound; phoneIndex; storeId, ' +
        'tier (cards imported from a file), points, status issued|bound|cancelled, memberId once bound, issuedAt, boundAt.',
      // keyId: cards issued before the key store carry keyId + wrappedKey until the migration moves them.
      indexes: [
        { name: 'member', fields: [{ field: 'memberId' }] },
        { name: 'key_id', fields: [{ field: 'keyId' }] },
        // The sweep of cards issued and never bound.
        { name: 'status_issued', fields: [{ field: 'status' }, { field: 'issuedAt' }] },
      ],
      retention: {
        text:
          `issued: until bound, or ${keptRecord('issuedCards').period} after issuedAt (key destroyed, then the card); ` +
          'bound: identifiers move to the member; with the account the card becomes a tombstone ' +
          '{ _id, status: cancelled } (its ledger entries re-keyed to the anonymous id)',
        rules: [
          { on: 'binding', action: 'anonymise' },
          { on: 'cancellation', action: 'anonymise' },
          {
            sweep: 'unboundCards',
            after: keptRecord('issuedCards').period,
            anchor: 'issuedAt',
            where: { status: 'issued' },
            action: 'shred',
          },
        ],
      },
    },
    {
      name: 'points_ledger',
      large: true,
      description:
        'Append-only points ledger (6.4, DESIGN 5): _id = idempotency key → { memberId (cardId for a card’s own ' +
        'history), kind earn|spend|expire|reverse|adjust, delta, reason, source { kind, ref }, actor, purpose, storeId, ' +
        'at, lot? { points, availableFrom, expiresAt } (an earn is a lot), lines?, amountFen?, allocations? ' +
        '[{ expiresAt, points, entry? }], purchase?, reverses?, refundFen?, owed?, absorbed?, voucher? (a redemption’s ' +
        'spend, `spend:voucher:<code>`: { code, rewardId, rewardName, kind, storeIds (empty: every store), validDays, ' +
        'validUntil (China date), status issued|verified|expired, verification? { storeId, staffId, at }, reversals, ' +
        'expiredAt? }), seq, mac (chained per member under the audit signing key; the head on the member) }. Never ' +
        'changed but for a voucher’s state; the member’s balance and lots are written in the same transaction.',
      indexes: [
        { name: 'member_time', fields: [{ field: 'memberId' }, { field: 'at', direction: -1 }] },
        // The scheduler expires vouchers unused after their last day.
        { name: 'voucher_due', fields: [{ field: 'voucher.status' }, { field: 'voucher.validUntil' }] },
        { name: 'card_time', fields: [{ field: 'cardId' }, { field: 'at', direction: -1 }] },
        // The retention sweep: entries past the accounting period.
        { name: 'time', fields: [{ field: 'at' }] },
      ],
      retention: {
        text:
          `${keptRecord('pointsLedger').period} after the entry, for accounting; on cancellation memberId (and the cardId of the member’s card) is ` +
          'replaced by an anonymous id, entries whose _id names the card move to a random _id',
        rules: [
          { on: 'cancellation', action: 'anonymise' },
          { sweep: 'pointsLedger', after: keptRecord('pointsLedger').period, anchor: 'at', action: 'delete' },
        ],
      },
    },
    {
      name: 'points_days',
      description:
        'Points issued, spent, expired, reversed, adjusted and absorbed per store and China day, in shards ' +
        '(`<store>:<day>:<shard>`), written with the entries: the managers’ and finance reports (counts only).',
      indexes: [
        { name: 'store_day', fields: [{ field: 'storeId' }, { field: 'day', direction: -1 }] },
        { name: 'day', fields: [{ field: 'day' }] },
      ],
      retention: {
        text: `${keptRecord('pointsLedger').period} after the day, as the ledger (no member data)`,
        rules: [
          {
            sweep: 'pointsDays',
            after: keptRecord('pointsLedger').period,
            anchor: 'day',
            anchorKind: 'chinaDay',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'points_refunds',
      large: true,
      description:
        'What the refunds of one purchase took back so far (6.4): _id = the earn entry’s id → { refundedFen, ' +
        'reversedPoints (the mall’s absorbed part included), earnedAt (the earn’s time), updatedAt }, read and ' +
        'written in each reversal’s transaction so that concurrent partial refunds of a purchase are serialised. ' +
        'No member id.',
      indexes: [
        // The retention sweep: totals of purchases whose earn entry is past the accounting period.
        { name: 'earned', fields: [{ field: 'earnedAt' }] },
      ],
      retention: {
        text: `${keptRecord('pointsLedger').period} after the purchase, as its earn entry (no member data)`,
        rules: [
          {
            sweep: 'pointsRefunds',
            after: keptRecord('pointsLedger').period,
            anchor: 'earnedAt',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'points_closings',
      description:
        'Points outstanding per store at the end of each finished China month (`<store>:<YYYY-MM>` → ' +
        '{ storeId, month, liability, closedAt }), closed by the daily points job: the report’s running ' +
        'total, so it never sums every past day (counts only).',
      indexes: [{ name: 'store_month', fields: [{ field: 'storeId' }, { field: 'month', direction: -1 }] }],
      retention: PERMANENT,
    },
    {
      name: 'campaigns',
      description:
        'Gift / sample / questionnaire campaigns (4.2.2.3–4.2.2.5): _id = the campaign id its mini-program code’s ' +
        'scene carries (k=c&c=<id>) → { kind, title, storeIds, startsOn, endsOn, stock, claimed, verified, fields ' +
        '[{ key, reason }], questions, purpose, retentionDays, tally (answers per question and option, counts ' +
        'only), createdBy, createdAt }. Stock is taken by one conditional update (stock > 0). No personal information.',
      indexes: [{ name: 'store', fields: [{ field: 'storeIds' }] }],
      retention: {
        text: 'kept while the programme runs: declarations and counts, no personal information',
        rules: [{ permanent: 'campaign declarations and counts only, no personal information' }],
      },
    },
    {
      name: 'campaign_claims',
      large: true,
      description:
        'Claims of gift / sample / questionnaire campaigns (4.2.2.3–4.2.2.5): _id = keyed hash of campaign and ' +
        'member (one claim per member) → { memberId, campaignId, code (claim code, unique), storeIds, status ' +
        'claimed|verified, answers (the declared fields and questionnaire answers, encrypted under the member’s ' +
        'data key), claimedAt, expiresAt (the campaign’s last day + its declared retention), verification? ' +
        '{ storeId, staffId, at }, reversals }.',
      indexes: [
        { name: 'member', fields: [{ field: 'memberId' }] },
        { name: 'code', fields: [{ field: 'code' }], unique: true },
        // The retention sweep: claims past their campaign's declared retention.
        { name: 'expires', fields: [{ field: 'expiresAt' }] },
      ],
      retention: {
        text:
          'the campaign’s declared retention after its last day (expiresAt); on cancellation the answers are ' +
          'removed and memberId is replaced by an anonymous id',
        rules: [
          { on: 'cancellation', action: 'anonymise' },
          { sweep: 'campaignClaims', after: 'P0D', anchor: 'expiresAt', action: 'delete' },
        ],
      },
    },
    {
      name: 'partners',
      description:
        'The partners register (4.1.4): partners and suppliers with access to our systems or data → { name, kind ' +
        'partner|supplier, reach[], agreement { ref, signedOn, expiresOn }, cert { level none|1–4, ref?, expiresOn? }, ' +
        'status active|ended, endedAt?, endedOn?, approvedBy (staff id), createdAt, updatedAt }. Business contacts ' +
        'only, no member data.',
      indexes: [{ name: 'status_ended', fields: [{ field: 'status' }, { field: 'endedAt' }] }],
      retention: {
        text:
          'while the relationship lasts, then P3Y after it ended (endedAt): the record of who could reach ' +
          'what outlives the relationship for audits and claims',
        rules: [
          {
            sweep: 'partners',
            after: 'P3Y',
            anchor: 'endedAt',
            where: { status: 'ended' },
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'member_codes',
      large: true,
      description:
        'The member code at the till (issue #11): _id = keyed hash of a random code id (never the code id) → ' +
        '{ memberId, sealed (the code id and the 20-byte TOTP secret, encrypted under the member’s data key), ' +
        'createdAt, used? { <staff action>: last 30-second step used } }. One per member; rotating replaces it.',
      // memberId: one code per member (unique), found by the member and by deletion.
      indexes: [{ name: 'member', fields: [{ field: 'memberId' }], unique: true }],
      retention: {
        text: 'until the member rotates the code or cancels (7.2): deleted at cancellation',
        rules: [{ on: 'cancellation', action: 'delete' }],
      },
    },
    {
      name: 'devices',
      description:
        'Devices that push to the ingest function (issue #11): _id = device id → { kind pos|carpark, storeId, ' +
        'carParkId?, status active|disabled, createdAt, keyVersion }. The signing secret is in device_keys ' +
        '(key environment), never here. No personal information.',
      retention: PERMANENT,
    },
    {
      name: 'device_keys',
      env: 'keys',
      description:
        'Signing secrets of the devices (issue #11), in the key environment (PI_KEY_ENV) only: _id = device id → ' +
        '{ keyVersion, keyId, wrappedKey {iv,tag,ct} (the 32-byte HMAC secret, AES-256-GCM under a master key), ' +
        'createdAt }. No personal information.',
      retention: {
        text: 'while the device is registered; removed when it is retired (no personal information)',
        rules: [{ permanent: 'device credentials, no personal information' }],
      },
    },
    {
      name: 'ingest_nonces',
      large: true,
      description:
        'Nonces of signed device pushes (issue #11): _id = "<device id>:<nonce>" → { deviceId, at }. Created ' +
        'with add() of that _id, so a replayed push — also two at once — is refused. No personal information.',
      // at: the retention sweep.
      indexes: [{ name: 'at', fields: [{ field: 'at' }] }],
      retention: {
        text: 'PT15M after it was seen: longer than a push’s timestamp is accepted (±300 s)',
        rules: [{ sweep: 'ingestNonces', after: 'PT15M', anchor: 'at', action: 'delete' }],
      },
    },
    {
      name: 'mall_auth',
      large: true,
      description:
        'WeChat Pay 智慧商圈 authorisations (issue #11): _id = memberId → { memberId, mchid, authType, ' +
        'authorisedAt } from the MALL_AUTH.ACTIVATE_CARD notice. No OpenID (the identity holds it).',
      indexes: [{ name: 'member', fields: [{ field: 'memberId' }] }],
      retention: {
        text: 'until cancellation (7.2): deleted at cancellation',
        rules: [{ on: 'cancellation', action: 'delete' }],
      },
    },
    {
      name: 'wxpay_notices',
      large: true,
      description:
        'WeChat Pay 智慧商圈 notices that earned nothing (not a member, consent not holding, refund of a ' +
        'transaction without points): _id = "<transaction|refund|auth|other>:<transaction, refund or notice id>" ' +
        '→ { eventType, outcome, at }. No OpenID, no member id.',
      indexes: [{ name: 'time', fields: [{ field: 'at' }] }],
      retention: {
        text: 'P1Y after the notice (a refund may follow its payment for months)',
        rules: [{ sweep: 'wxpayNotices', after: 'P1Y', anchor: 'at', action: 'delete' }],
      },
    },
    {
      name: 'wxpay_sync',
      large: true,
      description:
        'The 商圈 sync queue (issue #11): _id = transaction_id → { memberId, openid (sealed under the ' +
        'member’s data key), state { earnPoints, increasedPoints, updatedAt, noPointsRemarks? }, stateKey, ' +
        'status pending|sent|failed, attempts, nextAt, sentAt?, lastStatus? }; and the parking sync (issue ' +
        '#12): _id = `parking:<session id>:IN|OUT` → { kind: parking, memberId, openid and plate (sealed ' +
        'under the member’s data key, removed once sent or failed), parking { state, at }, stateKey, status, ' +
        'attempts, nextAt, … }. Deleted with the member.',
      indexes: [
        { name: 'status_next', fields: [{ field: 'status' }, { field: 'nextAt' }] },
        { name: 'member', fields: [{ field: 'memberId' }] },
        { name: 'status_sent', fields: [{ field: 'status' }, { field: 'sentAt' }] },
        // The sweep of failed parking syncs.
        { name: 'kind_status_next', fields: [{ field: 'kind' }, { field: 'status' }, { field: 'nextAt' }] },
      ],
      retention: {
        text:
          'P30D after it was sent; a failed points sync until an operator resolves it, a failed parking sync ' +
          '(stale once its car has left) P30D after its last attempt; deleted at cancellation; parking ' +
          'syncs also when businessCircleParking is withdrawn or the plates go',
        rules: [
          { on: 'cancellation', action: 'delete' },
          {
            sweep: 'wxpaySync',
            after: 'P30D',
            anchor: 'sentAt',
            where: { status: 'sent' },
            action: 'delete',
          },
          {
            sweep: 'wxpayParkingFailed',
            after: 'P30D',
            anchor: 'nextAt',
            where: { kind: 'parking', status: 'failed' },
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'car_parks',
      description:
        'Car parks of the mall (issue #12): _id = car park id → { storeId, name, status active|closed }.',
      indexes: [{ name: 'store', fields: [{ field: 'storeId' }] }],
      retention: PERMANENT,
    },
    {
      name: 'parking_tariffs',
      description:
        'Tariff versions of each car park (issue #12): _id = `<car park>:v<n>` → { carParkId, version, ' +
        'effectiveFrom, tariff, rules (deductions), changedBy, changedAt, note }. Never edited.',
      indexes: [
        { name: 'car_park_version', fields: [{ field: 'carParkId' }, { field: 'version', direction: -1 }] },
      ],
      retention: PERMANENT,
    },
    {
      name: 'parking_events',
      large: true,
      description:
        'Entry and exit events the car parks posted (issue #12; whereabouts, 3.2): _id = `<car park>:<event id>` ' +
        '(the idempotency of a retried post) → { carParkId, kind, at, plateIndex (blind index), receivedAt }. No plate.',
      // receivedAt: the retention sweep.
      indexes: [{ name: 'received', fields: [{ field: 'receivedAt' }] }],
      retention: {
        text: `${PARKING_RETENTION} after it was received`,
        rules: [{ sweep: 'parkingEvents', after: PARKING_RETENTION, anchor: 'receivedAt', action: 'delete' }],
      },
    },
    {
      name: 'parking_plates',
      large: true,
      description:
        'A plate’s recent events at a car park (issue #12), what its sessions are paired from: _id = ' +
        '`<car park>:<plate blind index>` → { carParkId, plateIndex, events [{ eventId, kind, at }], lastAt }. No plate.',
      indexes: [{ name: 'last', fields: [{ field: 'lastAt' }] }],
      retention: {
        text: `${PARKING_RETENTION} after the plate’s last event`,
        rules: [{ sweep: 'parkingPlates', after: PARKING_RETENTION, anchor: 'lastAt', action: 'delete' }],
      },
    },
    {
      name: 'parking_sessions',
      large: true,
      description:
        'Parking sessions (issue #12; whereabouts, 3.2): _id = `<car park>:<first event id>` → { carParkId, ' +
        'storeId, plateIndex (blind index), plate {iv,tag,ct} under the day key of keyDay (parking_keys, key ' +
        'environment), keyDay, state open|closed|exitOnly|unclosed, enteredAt, exitedAt, lastAt, sortAt, ' +
        'tariffVersion, paidFen, paidUntil, waivedFen?, waives? [{ key, by, reasonCode, fen, at }] (the desk), eventIds, ' +
        'updatedAt }. Never the plate in clear.',
      indexes: [
        // The member's, the non-member's and the desk's look-ups by plate.
        { name: 'plate_time', fields: [{ field: 'plateIndex' }, { field: 'sortAt', direction: -1 }] },
        // The desk's last exits.
        { name: 'store_exited', fields: [{ field: 'storeId' }, { field: 'exitedAt', direction: -1 }] },
        // The retention sweep.
        { name: 'last', fields: [{ field: 'lastAt' }] },
      ],
      retention: {
        text: `${PARKING_RETENTION} after the session’s last event (its exit); its day key goes a day later`,
        rules: [{ sweep: 'parkingSessions', after: PARKING_RETENTION, anchor: 'lastAt', action: 'delete' }],
      },
    },
    {
      name: 'parking_keys',
      env: 'keys',
      description:
        'Data keys of the car parks’ days (issue #12), in the key environment only: _id = `<car park>:<China ' +
        'day>` → { carParkId, day, keyId, wrappedKey {iv,tag,ct}, createdAt }. Destroying one makes every plate of ' +
        'that day unreadable in any copy of the main environment.',
      indexes: [{ name: 'day', fields: [{ field: 'day' }] }],
      retention: {
        text: `${PARKING_KEY_RETENTION} after its day: after every session of the day was swept`,
        rules: [
          {
            sweep: 'parkingDayKeys',
            after: PARKING_KEY_RETENTION,
            anchor: 'day',
            anchorKind: 'chinaDay',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'parking_days',
      description:
        'Parking figures per car park and China day, in shards (`<car park>:<day>:<shard>` → { carParkId, storeId, ' +
        'day, payments, paidFen, refunds, refundedFen, waives, waivedFen, tierFen, spendFen, voucherFen, pointsFen, ' +
        'pointsSpent }), written in the transaction of what they count: the managers’ parking report (counts only).',
      indexes: [
        { name: 'car_park_day', fields: [{ field: 'carParkId' }, { field: 'day', direction: -1 }] },
        { name: 'day', fields: [{ field: 'day' }] },
      ],
      retention: {
        text: `${keptRecord('pointsLedger').period} after the day, as the points ledger (no member data)`,
        rules: [
          {
            sweep: 'parkingDays',
            after: keptRecord('pointsLedger').period,
            anchor: 'day',
            anchorKind: 'chinaDay',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'receipt_claims',
      large: true,
      description:
        'Receipt photo claims (小票积分, issue #11): _id = keyed hash of store, receipt-number hash, amount and date ' +
        '→ { memberId, storeId, receiptNoHash (keyed hash of store and receipt number), amountFen, date (the ' +
        'receipt’s China date), imageHash (sha256 of the photo, unique), status pending|approved|rejected, ' +
        'submittedAt; while pending: fileId (the photo in cloud storage, digits covered on the phone), ' +
        'sealedReceiptNo (under the member’s data key), deciding?; once decided: reason?, reviewer, points?, ' +
        'decidedAt }. The photo is deleted when the claim is decided or after 30 days pending.',
      indexes: [
        { name: 'member_time', fields: [{ field: 'memberId' }, { field: 'submittedAt', direction: -1 }] },
        // The review queue per store, oldest first; the 30-day close of pending claims.
        {
          name: 'status_store_time',
          fields: [{ field: 'status' }, { field: 'storeId' }, { field: 'submittedAt' }],
        },
        { name: 'status_time', fields: [{ field: 'status' }, { field: 'submittedAt' }] },
        { name: 'image', fields: [{ field: 'imageHash' }], unique: true },
        { name: 'file', fields: [{ field: 'fileId' }] },
        { name: 'time', fields: [{ field: 'submittedAt' }] },
      ],
      retention: {
        text:
          'the photo until the claim is decided, at most 30 days (the scheduler closes older claims as 超期); ' +
          `the decided claim as the points ledger it backs: ${keptRecord('receiptClaims').period} after submission; ` +
          'on cancellation pending claims and their photos are deleted, decided ones unlinked (anonymous id)',
        rules: [
          { on: 'cancellation', action: 'anonymise' },
          {
            sweep: 'receiptClaims',
            after: keptRecord('receiptClaims').period,
            anchor: 'submittedAt',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'parking_payments',
      description:
        'Parking payments (issue #12): _id = `pp<hash of payer and key>` = the WeChat Pay out_trade_no → { sessionId, ' +
        'carParkId, storeId, payer (member id or a non-member’s keyed openid hash), payerActor, memberId|null, ' +
        'amountFen, grossFen, lines, pointsSpent, voucherIds, coversMinutes, windowMinutes, status ' +
        'created|paid|failed|refunded, outTradeNo, order (wx.requestPayment params), createdAt, expiresAt, paidAt, ' +
        'windowUntil, transactionId?, before?, failedAt?, failure?, refund?, returned, paidLate? }. No plate.',
      indexes: [
        // One open order per session; the scheduler's stale orders and owed returns.
        { name: 'session_status', fields: [{ field: 'sessionId' }, { field: 'status' }] },
        { name: 'status_expires', fields: [{ field: 'status' }, { field: 'expiresAt' }] },
        { name: 'status_returned', fields: [{ field: 'status' }, { field: 'returned' }] },
        { name: 'created', fields: [{ field: 'createdAt' }] },
        // The member's data copy and erasure.
        { name: 'member', fields: [{ field: 'memberId' }] },
      ],
      retention: {
        text: `${keptRecord('pointsLedger').period} after the payment, as the points ledger (a payment record)`,
        rules: [
          {
            sweep: 'parkingPayments',
            after: keptRecord('pointsLedger').period,
            anchor: 'createdAt',
            action: 'delete',
          },
        ],
      },
    },
    {
      name: 'tier_changes',
      large: true,
      description:
        'The member’s tier changes (6.6.1): _id = `upgrade:<earn entry id>` or `review:<year>:<member>` → ' +
        '{ memberId, from, to, reason upgrade|review, spendFen (12-month qualifying spend), at }. Shown on the ' +
        '会员等级 page and in the copy of the member’s data.',
      indexes: [{ name: 'member_time', fields: [{ field: 'memberId' }, { field: 'at', direction: -1 }] }],
      retention: {
        text: 'until cancellation (7.2): deleted with the member',
        rules: [{ on: 'cancellation', action: 'delete' }],
      },
    },
    {
      name: 'join_offers',
      description:
        'Non-members who declined the offer to join after paying for parking (L-3): _id = keyed openid hash ' +
        '(`wx:…`) → { declinedAt }. So the offer is made once.',
      indexes: [{ name: 'declined', fields: [{ field: 'declinedAt' }] }],
      retention: {
        text: '1 year after the decline',
        rules: [{ sweep: 'joinOffers', after: 'P1Y', anchor: 'declinedAt', action: 'delete' }],
      },
    },
  ],
}

/**
 * How each collection relates to a member, for the data copy (L-8) and deletion (7.2). Every
 * collection of the manifest has an entry (a test enforces it), so a new member-linked
 * collection cannot be forgotten by the export.
 * - `section`: exported under that key of `DataExport` (`other` = exported as stored documents);
 * - `excluded`: linked to the member but left out of the copy, with the reason;
 * - `plateIndex`: not linked to a member id, found through the blind indexes of the member's
 *   bound plates (each since it was bound), exported under `section`;
 * - `none`: holds nothing linked to a member id.
 */
export type MemberLink =
  | {
      link: '_id' | 'memberId'
      section:
        'profile' | 'consentReceipts' | 'pointsLedger' | 'card' | 'accessLog' | 'campaignClaims' | 'other'
    }
  | { link: 'plateIndex'; section: 'parkingSessions'; reason: string }
  | { link: '_id' | 'memberId'; excluded: string }
  | { link: 'none'; reason: string }

export const MEMBER_DATA: Record<string, MemberLink> = {
  members: { link: '_id', section: 'profile' },
  identities: { link: '_id', section: 'profile' },
  member_keys: {
    link: '_id',
    excluded: 'the wrapped data key: key material under the master key, no information about the member',
  },
  identity_index: {
    link: 'memberId',
    excluded: 'keyed hashes of the phone, plates and WeChat id, which the copy holds in clear',
  },
  consent_receipts: { link: 'memberId', section: 'consentReceipts' },
  sms_codes: { link: 'none', reason: 'keyed hashes of a phone and of a code, not linked to a member id' },
  sms_quota: { link: 'none', reason: 'daily counters under keyed hashes, not linked to a member id' },
  audit_log: {
    link: 'memberId',
    excluded: 'the same entries are in the copy as accessLog, counted per day and kind (audit_days)',
  },
  audit_days: { link: 'memberId', section: 'accessLog' },
  points_days: { link: 'none', reason: 'per store and day totals, no member id' },
  points_closings: { link: 'none', reason: 'per store and month totals, no member id' },
  points_refunds: {
    link: 'none',
    reason: 'per purchase refund totals, no member id; the refunds are in the copy as ledger entries',
  },
  audit_chains: { link: 'none', reason: 'chain heads of the audit log, no member id' },
  audit_redactions: {
    link: 'none',
    reason: 'kept only for deleted members, under the anonymous id of the deletion',
  },
  jobs: {
    link: 'none',
    reason:
      'scheduler job progress; at most the pseudonymous ids of members a job failed on, kept for operations',
  },
  counters: { link: 'none', reason: 'sequences, no personal information' },
  settings: { link: 'none', reason: 'programme settings, no personal information' },
  stores: { link: 'none', reason: 'stores, no personal information' },
  store_counters: { link: 'none', reason: 'counters in stores, no personal information' },
  channels: { link: 'none', reason: 'channels of acquisition, no personal information' },
  channel_days: {
    link: 'none',
    reason: 'sign-ups per channel and day, counts only, not linked to a member id',
  },
  points_rules: { link: 'none', reason: 'rules, no personal information' },
  rewards: { link: 'none', reason: 'catalogue, no personal information' },
  staff: { link: 'none', reason: 'staff accounts, not shoppers' },
  staff_invites: { link: 'none', reason: 'invitations of staff accounts, not shoppers' },
  cards: { link: 'memberId', section: 'card' },
  points_ledger: { link: 'memberId', section: 'pointsLedger' },
  tier_changes: { link: 'memberId', section: 'other' },
  campaigns: { link: 'none', reason: 'campaign declarations and counts, no personal information' },
  campaign_claims: { link: 'memberId', section: 'campaignClaims' },
  partners: { link: 'none', reason: 'partners and suppliers of the mall, not shoppers' },
  member_codes: {
    link: 'memberId',
    excluded:
      'the member code’s secret: a credential the member’s phone already holds, no information about the member',
  },
  devices: { link: 'none', reason: 'devices of the stores, no personal information' },
  device_keys: { link: 'none', reason: 'signing secrets of devices, no personal information' },
  ingest_nonces: { link: 'none', reason: 'nonces of device pushes, not linked to a member id' },
  mall_auth: { link: 'memberId', section: 'other' },
  wxpay_notices: { link: 'none', reason: 'outcomes of WeChat Pay notices that earned nothing, no member id' },
  wxpay_sync: {
    link: 'memberId',
    excluded:
      'the points sync of a WeChat Pay payment: the same points are in the copy as its ledger entry ' +
      '(pointsLedger); a parking sync: the same entry or exit is in the copy as its session (parkingSessions)',
  },
  car_parks: { link: 'none', reason: 'car parks, no personal information' },
  parking_tariffs: { link: 'none', reason: 'tariffs, no personal information' },
  parking_events: {
    link: 'none',
    reason: 'car-park events by plate blind index, not linked to a member id; swept after 30 days',
  },
  parking_plates: {
    link: 'none',
    reason: 'a plate’s recent events by blind index, not linked to a member id; swept after 30 days',
  },
  parking_sessions: {
    link: 'plateIndex',
    section: 'parkingSessions',
    // Deletion (7.2) leaves them: they are the car park's records of a car, kept for every car
    // alike (members or not) for the desk, payments and disputes, and swept 30 days after the
    // exit, the day key two days later. No member id is in them; what led from the member to
    // them was the plate's claim, which deletion removes. A later account binding the same plate
    // sees only sessions since its own binding, so nothing of the deleted account reaches it.
    reason:
      'parking sessions by plate blind index, not linked to a member id: the member’s copy has those of ' +
      'their bound plates since each was bound; kept after deletion only until swept, 30 days after the exit',
  },
  parking_keys: { link: 'none', reason: 'data keys of car parks’ days, no member' },
  parking_days: { link: 'none', reason: 'per car park and day totals, no member id' },
  receipt_claims: { link: 'memberId', section: 'other' },
  parking_payments: { link: 'memberId', section: 'other' },
  join_offers: {
    link: 'none',
    reason: 'a keyed openid hash of a non-member who declined to join, no member id',
  },
}
