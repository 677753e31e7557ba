import { SUBSCRIBE_TOPICS, SUBSCRIBE_TOPIC_IDS } from '../../src/domain/consent/purposes'

/**
 * Subscribe-message templates for the local server: one per topic, its values on keywords named
 * the way WeChat's template library names them (`number1`, `thing2` …). The messages land in the
 * outbox; on CloudBase the retailer sets `SUBSCRIBE_TEMPLATES` to the templates it chose.
 */
export function demoSubscribeTemplates(): string {
  const templates = Object.fromEntries(
    SUBSCRIBE_TOPIC_IDS.map((topic) => [
      topic,
      {
        templateId: `local-${topic}`,
        keywords: Object.fromEntries(
          Object.entries(SUBSCRIBE_TOPICS[topic].values).map(([name, kind], i) => [name, `${kind}${i + 1}`]),
        ),
      },
    ]),
  )
  return JSON.stringify(templates)
}
