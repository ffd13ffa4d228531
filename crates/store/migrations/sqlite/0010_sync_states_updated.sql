-- Processes that do not project themselves (a Seller Center in a split setup)
-- follow the sync by the states that changed since they last looked.
CREATE INDEX sync_states_updated ON sync_states (updated_at);
