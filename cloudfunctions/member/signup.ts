/**
 * Sign-up (4.1.2, 4.1.3, 4.2.1.1) and the member centre's home (L-7): the notice and stores to
 * join with, the SMS code, joining, and the masked member card.
 */
import type { MemberContract } from '../../src/domain/contracts/member'
import { buildNotice, type Controller } from '../../src/domain/consent/notice'
import { allows, consentState } from '../../src/domain/consent/rules'
import { wechatActor, type AuditLog } from '../common/audit'
import { attributionOf, countSignUp, landingOf } from '../common/channels'
import type { Clock } from '../common/clock'
import { createRulesBook } from '../common/points/rules'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { fail, ok } from '../common/errors'
import type { IdentityStore } from '../common/identity'
import type { MemberDoc } from '../common/members/model'
import type { Registration } from '../common/members/registration'
import { openStore, openStores, storeOf, storeOption } from '../common/members/repository'
import { HOME_FIELDS, toHome } from '../common/members/views'
import { exchangePhoneCode, type PhoneOpenApi } from '../common/phone'
import type { Handlers } from '../common/router'
import type { SmsService } from '../common/sms'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

const nowIso = (clock: Clock) => new Date(clock.now()).toISOString()

function readController(doc: Doc | null): Controller {
  const fields = ['name', 'contactName', 'contactPhone', 'contactEmail'] as const
  if (!doc || fields.some((key) => typeof doc[key] !== 'string' || doc[key] === '')) {
    throw new Error('settings/controller is missing or incomplete')
  }
  const { name, contactName, contactPhone, contactEmail } = doc as unknown as Controller
  return { name, contactName, contactPhone, contactEmail }
}

type SignupActions = Pick<Handlers<MemberContract, MemberDoc>, 'home' | 'joinForm' | 'sendJoinCode' | 'join'>

export function createSignupActions(deps: {
  db: Db
  stores: StoreDirectory
  audit: AuditLog
  vault: Vault
  sms: SmsService
  identities: IdentityStore
  registration: Registration
  openapi: PhoneOpenApi
  clock: Clock
}): SignupActions {
  const { db, vault, sms, identities, registration } = deps
  const rulesBook = createRulesBook(deps.clock)

  return {
    async home(_input, { caller, member }) {
      if (!member) return ok({ member: null })
      const actor = wechatActor(vault, caller.openid)
      // The basic purpose at its current scope, by the scope guard's rule (6.1.1, 6.1.2): a
      // consent given under an older notice is asked again before anything is read. Nothing is
      // attempted, so nothing is audited: the member centre opens on every launch.
      if (!allows(member, 'membership'))
        return ok(
          consentState(member, 'membership') === 'needsReconsent'
            ? { member: null, reconsent: true as const }
            : { member: null },
        )
      // The member's own view: counted once per China day in the record just read (L-14).
      const identity = await identities.read(member._id, HOME_FIELDS, {
        purpose: 'membership',
        actor,
        audit: deps.audit.ownView(member),
      })
      if (!identity) return ok({ member: null })
      return ok({ member: toHome(member, identity, await storeOf(deps, member.storeId), nowIso(deps.clock)) })
    },

    async joinForm({ scene }) {
      const controller = readController(await getDoc(db, COLLECTIONS.settings, 'controller'))
      const form = { notice: buildNotice(controller), stores: await openStores(deps) }
      const channel = scene === undefined ? null : await landingOf(db, scene, rulesBook, deps.clock.now())
      return ok(channel ? { ...form, channel } : form)
    },

    // Only for a shopper who is not a member (the router answers ALREADY_MEMBER otherwise): no
    // SMS and no cost for a member. Whether the phone belongs to a member is not answered here:
    // that would tell anyone which numbers are registered.
    async sendJoinCode({ phone }, { caller }) {
      return sms.send({ purpose: 'join', phone, openid: caller.openid })
    },

    async join(input, { caller }) {
      const store = await openStore(deps, input.storeId)
      if (!store) return fail('STORE_UNKNOWN', 'storeId')

      let phone: string
      if ('phoneCode' in input) {
        const exchanged = await exchangePhoneCode(deps.openapi, input.phoneCode)
        if (!exchanged.ok) return exchanged
        phone = exchanged.data
      } else {
        const verified = await sms.verify({
          purpose: 'join',
          phone: input.phone,
          openid: caller.openid,
          code: input.smsCode,
        })
        if (!verified.ok) return verified
        phone = input.phone
      }

      const source =
        input.scene === undefined ? null : await attributionOf(db, input.scene, new Date(deps.clock.now()))
      const created = await registration.create({
        caller,
        name: input.name,
        phone,
        storeId: store._id,
        noticeVersion: input.noticeVersion,
        gender: input.gender,
        province: input.province,
        birthDate: input.birthDate,
        ageDeclared: input.ageDeclared,
        ...(source ? { source } : {}),
      })
      if (!created.ok) return created
      // Counted once the member exists (a child waiting for a guardian is not attributed). The
      // count is a report, never a reason to fail a sign-up that happened: the member record
      // keeps the attribution either way.
      if (created.data.source) await countSignUp(db, created.data.source).catch(() => undefined)
      return ok({
        member: toHome(created.data, { name: input.name, phone }, storeOption(store), nowIso(deps.clock)),
      })
    },
  }
}
