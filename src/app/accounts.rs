//! Several accounts in one app (issue 21, docs/accounts.md): which account a message or an
//! effect belongs to (`AccountId`).

/// Which account something belongs to, in this process: the runtime numbers each account it
/// opens, and the app keys its parked accounts by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub u32);
