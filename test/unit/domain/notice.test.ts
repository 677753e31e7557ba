import { createHash } from 'node:crypto'

import { CHILD_DATA, INVENTORY, KEPT_RECORDS } from '@/domain/identity/inventory'
import { buildNotice, type Controller } from '@/domain/consent/notice'
import { NOTICE_VERSION, PURPOSE_IDS, PURPOSES } from '@/domain/consent/purposes'

const controller: Controller = {
  name: '星湖购物中心',
  contactName: '个人信息保护负责人',
  contactPhone: '021-00000000',
  contactEmail: 'privacy@example.com',
}

describe('privacy notice', () => {
  const notice = buildNotice(controller)

  it('[4.1.2] carries the current version and the controller', () => {
    expect(notice.version).toBe(NOTICE_VERSION)
    expect(notice.controller).toEqual(controller)
    expect(notice.statements[0]).toContain('星湖购物中心')
  })

  it('[4.1.2] has one section per purpose, basic and sensitive flags as in the catalogue', () => {
    expect(notice.sections.map((s) => s.purpose)).toEqual(PURPOSE_IDS)
    for (const section of notice.sections) {
      expect(section.basic).toBe(PURPOSES[section.purpose].basic)
      expect(section.sensitive).toBe(PURPOSES[section.purpose].sensitive)
    }
  })

  it('[4.1.1][4.1.2] lists every inventory field once, with its requirement and retention', () => {
    const listed = notice.sections.flatMap((s) => s.fields)
    expect(listed.map((f) => f.key).sort()).toEqual(INVENTORY.map((f) => f.key).sort())
    for (const field of INVENTORY) {
      const shown = listed.find((f) => f.key === field.key)
      expect(shown).toMatchObject({
        label: field.label,
        required: field.required,
        sensitive: field.sensitive,
        retention: field.retention.text,
      })
    }
  })

  it('[7.1] states the period of every record kept besides the fields', () => {
    const kept = notice.statements.find((s) => s.includes(KEPT_RECORDS[0].label))
    for (const record of KEPT_RECORDS) expect(kept).toContain(`${record.label}${record.text}`)
  })

  it('[3.2][L-5] says a child’s information is sensitive, needs a guardian, and how long it waits', () => {
    expect(notice.statements).toContain(CHILD_DATA.text)
    expect(CHILD_DATA.text).toMatch(/敏感个人信息.*监护人同意.*最长7日.*删除/)
  })

  it('[3.1] lists the service store, member number, channel and member code under the basic membership', () => {
    const membership = notice.sections.find((s) => s.purpose === 'membership')
    expect(membership?.fields.map((f) => f.label)).toEqual(
      expect.arrayContaining(['服务门店', '会员号', '入会渠道', '入会平台', '会员码密钥']),
    )
  })

  it('[4.1.2] names a contact for questions and requests', () => {
    const contact = notice.statements.find((s) => s.includes('021-00000000'))
    expect(contact).toContain('privacy@example.com')
    expect(contact).toContain('15个工作日')
  })

  it('[L-4] lists the ID number and plates only under their sensitive purposes', () => {
    const sectionOf = (key: string) => notice.sections.find((s) => s.fields.some((f) => f.key === key))
    expect(sectionOf('idNumber')).toMatchObject({ purpose: 'idNumber', sensitive: true })
    expect(sectionOf('plates')).toMatchObject({ purpose: 'parking', sensitive: true })
  })

  it('says which reads are logged one by one and that the member’s own views are counted per day', () => {
    const audit = notice.statements.find((s) => s.includes('审计日志'))
    expect(audit).toContain('工作人员和系统的每一次读取都会逐条记录')
    expect(audit).toContain('您本人查看自己的信息按日汇总记录')
  })

  it('says what is kept after the account is cancelled: anonymous records that no longer lead to the member', () => {
    const cancellation = notice.statements.find((s) => s.includes('一键注销'))
    expect(cancellation).toContain('身份信息立即删除')
    expect(cancellation).toContain('改用匿名编号，无法再关联到您或您日后重新注册的账户')
  })

  it('[4.1.2] changes only with a new version (a changed notice is shown again): the text of this version is pinned', () => {
    const { controller: _controller, ...text } = notice
    const digest = createHash('sha256').update(JSON.stringify(text)).digest('hex').slice(0, 16)
    // After changing the notice: raise NOTICE_VERSION, then pin the new digest here.
    expect({ version: NOTICE_VERSION, digest }).toEqual({ version: 6, digest: '058fc14bf8eb40c6' })
  })
})
