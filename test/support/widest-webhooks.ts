// Webhooks whose every field is 300 characters that each take the longest escape in the step summary
// (| becomes &#124;; a multibyte character takes at most 3 bytes): the worst case for its size.
export const WIDEST = '|'.repeat(300)

export function widestWebhooks(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `wh_${i}${WIDEST}`,
    url: `https://pr-${i}.preview.example.com/${WIDEST}`,
    events: [WIDEST],
    description: WIDEST,
    status: WIDEST,
    created_at: WIDEST
  }))
}
