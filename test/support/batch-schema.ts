/** The schema of the batch-check tests: groups in groups, a wildcard and a caveat (conditional answers). */
export const BATCH_SCHEMA = `caveat on_day(day string) {
  day == 'monday'
}
definition user {}
definition group {
  relation member: user | group#member
}
definition document {
  relation viewer: user | user:* | group#member | user with on_day
  relation editor: user
  permission view = viewer + editor
}`;
