import type { Manifest } from '../local-cloud/manifest'

/**
 * Collections, indexes and retention of the CloudBase environment. local-cloud applies this to
 * its SQLite database; for CloudBase it documents what to create in the console / CLI.
 *
 * Rules: every field a function filters on with where() in a collection that grows with the
 * number of members or events has an index here (`_id` is always indexed); documents are looked
 * up by `_id` wherever the id can be computed (claims, SMS codes, quotas, sequences).
 * Retention is an ISO 8601 duration or a rule; the retention sweep (7.1) reads it.
 */
export const manifest: Manifest = {
  collections: [
    {
      name: 'members',
      description:
        'Pseudonymous member records (3.9, 5.1): _id random, memberNo, tier, points, storeId, gender?, ' +
        'province?, channel, status, consents summary, joinedAt. No direct identifier.',
      indexes: [
        { name: 'member_no', fields: [{ field: 'memberNo' }], unique: true },
        { name: 'store_joined', fields: [{ field: 'storeId' }, { field: 'joinedAt', direction: -1 }] },
        { name: 'tier', fields: [{ field: 'tier' }] },
        { name: 'status', fields: [{ field: 'status' }] },
      ],
      retention: 'until cancellation (7.2)',
    },
    {
      name: 'identities',
      description:
        'Identity store (5.1, 5.3): _id = member id; keyId + wrappedKey (AES-256-GCM under a master key); ' +
        'fields.{name,phone,birthDate,…} each {iv,tag,ct} under the member data key; phoneIndex and ' +
        'openidIndex blind indexes. Read only under a purpose, every read audited.',
      // keyId: the re-wrap job after a master-key rotation finds the members still on an old key.
      indexes: [{ name: 'key_id', fields: [{ field: 'keyId' }] }],
      retention: 'until cancellation: the document and its data key are deleted (crypto-shredding)',
    },
    {
      name: 'identity_index',
      description:
        'Uniqueness claims: _id = "<kind>:<blind index>" (kind phone, openid, plate, card) → { kind, memberId, at }. ' +
        'Created with add() of that fixed _id, so a concurrent duplicate fails.',
      // memberId: cancellation removes every claim of a member.
      indexes: [{ name: 'member', fields: [{ field: 'memberId' }] }],
      retention: 'until cancellation or unbinding',
    },
    {
      name: 'consent_receipts',
      description:
        'Append-only consent receipts (4.1.2): { memberId, purpose, noticeVersion, granted, at, channel }.',
      indexes: [{ name: 'member_time', fields: [{ field: 'memberId' }, { field: 'at', direction: -1 }] }],
      retention: 'P3Y after cancellation (proof of consent; holds only the pseudonymous member id)',
    },
    {
      name: 'sms_codes',
      description:
        'SMS verification codes: _id = "<purpose>:<phone blind index>"; codeHash (keyed HMAC, never the code), ' +
        'requester (actor hash), sentAt, expiresAt, tries, consumed.',
      indexes: [{ name: 'expires', fields: [{ field: 'expiresAt' }] }],
      retention: 'PT1H after expiresAt',
    },
    {
      name: 'sms_quota',
      description:
        'Daily SMS send counts: _id = "<China date>:phone:<blind index>" or "<China date>:user:<actor hash>"; ' +
        '{ day, count, expiresAt }.',
      indexes: [{ name: 'expires', fields: [{ field: 'expiresAt' }] }],
      retention: 'P2D (expiresAt)',
    },
    {
      name: 'audit_log',
      description:
        'Append-only access log of personal information (5.5, L-14): { at, actor (wx:<keyed hash of OPENID> or ' +
        'staff:<id>), action, purpose, memberId, fields, success, mac }. Only ever added to.',
      indexes: [
        { name: 'member_time', fields: [{ field: 'memberId' }, { field: 'at', direction: -1 }] },
        { name: 'actor_time', fields: [{ field: 'actor' }, { field: 'at', direction: -1 }] },
        { name: 'time', fields: [{ field: 'at', direction: -1 }] },
      ],
      retention: 'P3Y',
    },
    {
      name: 'counters',
      description: 'Sequences: _id = sequence name (memberNo …) → { value }, advanced by compare-and-set.',
      retention: 'permanent (no personal information)',
    },
    {
      name: 'settings',
      description:
        'Programme settings: _id "controller" = the mall that controls the personal information ' +
        '{ name, contactName, contactPhone, contactEmail } shown in the privacy notice.',
      retention: 'permanent (no personal information)',
    },
    {
      name: 'stores',
      description: 'Stores of the mall: { name, city, status open|closed, sort }.',
      indexes: [{ name: 'status', fields: [{ field: 'status' }] }],
      retention: 'permanent (no personal information)',
    },
    {
      name: 'store_counters',
      description:
        'Brand counters and service desks in a store (4.2.2.2 attribution): { storeId, brand, name, floor, kind, status }.',
      indexes: [{ name: 'store', fields: [{ field: 'storeId' }] }],
      retention: 'permanent (no personal information)',
    },
    {
      name: 'points_rules',
      description:
        'Points rules (6.4.1): { name, pointsPerYuan, tierMultipliers { normal, vip, vvip }, rounding, status }.',
      indexes: [{ name: 'status', fields: [{ field: 'status' }] }],
      retention: 'permanent (no personal information)',
    },
    {
      name: 'rewards',
      description: 'Redemption catalogue (6.4.2): { name, kind, points, stock, perMemberLimit, status }.',
      indexes: [{ name: 'status', fields: [{ field: 'status' }] }],
      retention: 'permanent (no personal information)',
    },
    {
      name: 'staff',
      description:
        'Staff accounts: _id = the staff member’s OPENID → { role counter|manager|privacyOfficer, storeId, ' +
        'counterId?, displayName, status }. Looked up by _id on every staff call.',
      indexes: [{ name: 'store_role', fields: [{ field: 'storeId' }, { field: 'role' }] }],
      retention: 'until the account is closed',
    },
  ],
}
