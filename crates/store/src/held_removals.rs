//! The cart lines a batch's orders bought, held in memory and removed in
//! one statement when the batch writes its rows, instead of one statement
//! per order. Follows the transaction's savepoints as the database would:
//! a unit rolled back keeps its lines in the cart. A read of carts inside
//! the transaction writes them first (see `checkout::carts`) and keeps them
//! held: a savepoint open then would undo their removal with its own
//! unit's, and removing a removed line again at the end changes nothing.

/// A cart line, by cart and SKU id.
pub(crate) type LineKey = (String, String);

pub(crate) type HeldRemovals = crate::savepoint_list::SavepointList<LineKey>;
