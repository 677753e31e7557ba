/**
 * 积分商城管理 (compiled weapp): the manager's catalogue with price, stock, status and limits; a
 * new reward saved from the form under one key with the store preset; a restock by an amount;
 * mall-wide rewards shown without the manager's controls.
 */
import type { CatalogueAnswer, CatalogueEntry } from '@/domain/contracts/rewards'
import { NOTICE, STORES, STORE_MANAGER, ok } from './support/fixtures'
import { launch, stubCloud, stubNavigation, stubPrivacy, until } from './support/weapp'

const entry = (overrides: Partial<CatalogueEntry>): CatalogueEntry => ({
  id: 'reward-coffee',
  name: '咖啡兑换券',
  kind: 'coupon',
  kindLabel: '优惠券',
  points: 300,
  stock: 12,
  perMemberLimit: 2,
  perDayLimit: 1,
  validDays: 30,
  tiers: [],
  storeIds: [STORES[0].id],
  stores: STORES[0].name,
  status: 'active',
  editable: true,
  ...overrides,
})

const CATALOGUE: CatalogueAnswer = {
  rewards: [
    entry({}),
    entry({
      id: 'reward-parking',
      name: '停车券（2小时）',
      kind: 'parking',
      kindLabel: '停车券',
      points: 200,
      stock: 1000,
      perMemberLimit: 5,
      perDayLimit: undefined,
      parkingMinutes: 120,
      storeIds: [],
      stores: '全部门店',
      editable: false,
    }),
  ],
  stores: [{ id: STORES[0].id, name: STORES[0].name }],
  mallWide: false,
}

const input = (modifier: string) => `.catalogue-form__input--${modifier} .nut-input-native`

describe('积分商城管理 (compiled weapp)', () => {
  it('is on the workbench for a manager', async () => {
    stubCloud({
      me: () => ok({ staff: STORE_MANAGER }),
      joinForm: () => ok({ notice: NOTICE, stores: STORES }),
    })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch('pages/workbench/index')
    await until(() => page.find('.entry-list__item--rewards'), 'the catalogue tool')
    await page.tap('.entry-list__item--rewards')
    expect(navigation.navigateTo.mock.calls[0][0]).toMatchObject({ url: '/staff/rewards/index' })
  })

  it('[6.4.2] lists the rewards with price, stock, status and limits; mall-wide ones without controls', async () => {
    stubCloud({ rewardCatalogue: () => ok(CATALOGUE) })
    stubPrivacy(false)
    const page = launch('staff/rewards/index')

    await until(() => page.find('.catalogue__item'), 'the catalogue')
    expect(page.findAll('.catalogue__name').map((n) => n?.dom?.textContent)).toEqual([
      '咖啡兑换券',
      '停车券（2小时）',
    ])
    expect(page.text('.catalogue__price')).toBe('优惠券 · 300 积分 · 库存 12')
    expect(page.text('.catalogue__limits')).toBe('每人限兑 2 次 · 每日 1 次 · 有效期 30 天')
    expect(page.text('.catalogue__status')).toBe('兑换中')
    expect(page.findAll('.catalogue__edit')).toHaveLength(1)
    expect(page.text('.catalogue__note')).toContain('由商场管理员维护')
  })

  it('[6.4.2] saves a new reward for the manager’s store, and a retry reuses its key', async () => {
    let answers = 0
    const calls = stubCloud({
      rewardCatalogue: () => ok(CATALOGUE),
      saveReward: () =>
        ++answers === 1
          ? { ok: false, code: 'INTERNAL', message: '系统繁忙，请稍后再试' }
          : ok({ reward: entry({ id: 'reward-new', name: '婴儿车租借' }), repeated: false }),
    })
    stubPrivacy(false)
    const page = launch('staff/rewards/index')

    await until(() => page.find('.catalogue__create'), 'the create button')
    await page.tap('.catalogue__create')
    await until(() => page.find('.catalogue-form'), 'the form')
    await page.type(input('name'), '婴儿车租借')
    await page.tap('.chips__chip--kind-service')
    await page.type(input('points'), '100')
    await page.type(input('stock'), '20')
    await page.tap('.chips__chip--tiers-vip')
    await page.tap('.catalogue-form__save')
    await until(() => page.find('.form-alert'), 'the failure')
    await page.tap('.catalogue-form__save')
    await until(() => !page.find('.catalogue-form') && page.find('.catalogue__item'), 'the list again')

    const saves = calls.filter((c) => c.action === 'saveReward').map((c) => c.data as Record<string, unknown>)
    expect(saves).toHaveLength(2)
    expect(saves[0]).toEqual({
      key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      stock: 20,
      name: '婴儿车租借',
      kind: 'service',
      points: 100,
      perMemberLimit: 1,
      validDays: 30,
      tiers: ['vip'],
      storeIds: [STORES[0].id],
      status: 'active',
    })
    expect(saves[1]).toEqual(saves[0])
    expect(calls.filter((c) => c.action === 'rewardCatalogue')).toHaveLength(2)
  })

  it('restocks by the amount typed', async () => {
    const calls = stubCloud({
      rewardCatalogue: () => ok(CATALOGUE),
      restockReward: () => ok({ stock: 62, repeated: false }),
    })
    stubPrivacy(false)
    const page = launch('staff/rewards/index')

    await until(() => page.find('.catalogue__open-restock'), 'the restock button')
    await page.tap('.catalogue__open-restock')
    await until(() => page.find('.catalogue__restock-input'), 'the amount')
    await page.type('.catalogue__restock-input', '50')
    await page.tap('.catalogue__restock-save')
    await until(() => !page.find('.catalogue__restock-input'), 'the row closed')
    expect(calls.find((c) => c.action === 'restockReward')?.data).toEqual({
      rewardId: 'reward-coffee',
      amount: 50,
      key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    })
  })
})
