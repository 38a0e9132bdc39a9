package approvals

import "github.com/oktabot/oktabot/intents"

// SeedForTest stores n pending copies of p in one transaction, as Create
// would one by one, and returns their ids. Benchmarks use it to fill a
// store quickly.
func SeedForTest(s *Store, n int, p intents.Proposal) ([]string, error) {
	ids := make([]string, 0, n)
	err := s.update(func(t *txn) error {
		for range n {
			now := s.now()
			q := p
			q.State, q.Created, q.Expires, q.Updated = intents.StatePending, now, now.Add(s.ttl), now
			if err := t.create(&q); err != nil {
				return err
			}
			ids = append(ids, q.ID)
		}
		return nil
	})
	return ids, err
}
