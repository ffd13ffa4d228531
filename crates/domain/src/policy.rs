//! Who may do what in a seller's shop — decided here and nowhere else.
//!
//! A team member acts through its [`Role`]; an integrator acts through an API
//! key's [`ApiScope`]s. Both are asked the same question, [`SellerAction`], so
//! the HTML pages and the JSON API can never disagree about a permission.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A seller team member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including the team, API keys and the shop's settings.
    Owner,
    /// Catalog, promotions, videos and live sessions.
    Marketing,
    /// Orders, shipping, returns and buyer chat.
    Operations,
    /// Reports and settlements.
    Finance,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Owner,
        Role::Marketing,
        Role::Operations,
        Role::Finance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Marketing => "marketing",
            Role::Operations => "operations",
            Role::Finance => "finance",
        }
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The areas of a shop that permissions and API scopes are cut along; they
/// follow the contexts of the design, so every later capability has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Shop,
    Team,
    Catalog,
    Inventory,
    Promotions,
    Content,
    Orders,
    Fulfillment,
    Returns,
    Chat,
    Reports,
    Settlements,
    Integrations,
}

impl Area {
    pub const ALL: [Area; 13] = [
        Area::Shop,
        Area::Team,
        Area::Catalog,
        Area::Inventory,
        Area::Promotions,
        Area::Content,
        Area::Orders,
        Area::Fulfillment,
        Area::Returns,
        Area::Chat,
        Area::Reports,
        Area::Settlements,
        Area::Integrations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Shop => "shop",
            Area::Team => "team",
            Area::Catalog => "catalog",
            Area::Inventory => "inventory",
            Area::Promotions => "promotions",
            Area::Content => "content",
            Area::Orders => "orders",
            Area::Fulfillment => "fulfillment",
            Area::Returns => "returns",
            Area::Chat => "chat",
            Area::Reports => "reports",
            Area::Settlements => "settlements",
            Area::Integrations => "integrations",
        }
    }

    /// The roles that work in this area (the owner works in all of them).
    fn worked_by(self, role: Role) -> bool {
        use Area::*;
        match role {
            Role::Owner => true,
            Role::Marketing => matches!(self, Catalog | Inventory | Promotions | Content),
            Role::Operations => matches!(self, Orders | Fulfillment | Returns | Chat | Inventory),
            Role::Finance => matches!(self, Reports | Settlements),
        }
    }

    /// Areas everyone on the team may look at, because their work needs it:
    /// the shop profile and the list of colleagues.
    fn readable_by_all_members(self) -> bool {
        matches!(self, Area::Shop | Area::Team)
    }

    /// Areas reserved to the owner even for reading: API keys and webhooks
    /// hold credentials for the whole shop.
    fn owner_only(self) -> bool {
        matches!(self, Area::Integrations)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
}

/// Something a member or API key wants to do in a seller's shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SellerAction {
    pub area: Area,
    pub access: Access,
}

impl SellerAction {
    pub const fn read(area: Area) -> Self {
        Self {
            area,
            access: Access::Read,
        }
    }
    pub const fn write(area: Area) -> Self {
        Self {
            area,
            access: Access::Write,
        }
    }

    pub fn all() -> impl Iterator<Item = SellerAction> {
        Area::ALL
            .into_iter()
            .flat_map(|area| [SellerAction::read(area), SellerAction::write(area)])
    }
}

/// THE permission table for team members.
pub fn role_allows(role: Role, action: SellerAction) -> bool {
    let area = action.area;
    if area.owner_only() || area == Area::Team && action.access == Access::Write {
        return role == Role::Owner;
    }
    if area == Area::Shop && action.access == Access::Write {
        return role == Role::Owner;
    }
    area.worked_by(role) || (action.access == Access::Read && area.readable_by_all_members())
}

/// A permission given to an API key: an area and an access level. Write
/// implies read. Written `catalog:read`, `orders:write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ApiScope {
    pub area: Area,
    pub access: Access,
}

impl ApiScope {
    pub fn all() -> impl Iterator<Item = ApiScope> {
        SellerAction::all().map(|a| ApiScope {
            area: a.area,
            access: a.access,
        })
    }

    /// API keys never manage the team or other keys: a leaked key must not be
    /// able to mint more keys or add members.
    pub fn grantable(self) -> bool {
        match self.area {
            Area::Integrations => false,
            Area::Team => self.access == Access::Read,
            _ => true,
        }
    }

    pub fn parse(text: &str) -> Option<ApiScope> {
        let (area, access) = text.split_once(':')?;
        let area = Area::ALL.into_iter().find(|a| a.as_str() == area)?;
        let access = match access {
            "read" => Access::Read,
            "write" => Access::Write,
            _ => return None,
        };
        Some(ApiScope { area, access })
    }
}

impl fmt::Display for ApiScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let access = match self.access {
            Access::Read => "read",
            Access::Write => "write",
        };
        write!(f, "{}:{access}", self.area.as_str())
    }
}

/// THE permission rule for API keys.
pub fn scopes_allow(scopes: &[ApiScope], action: SellerAction) -> bool {
    scopes.iter().any(|scope| {
        scope.grantable() && scope.area == action.area && scope.access >= action.access
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_may_do_everything() {
        assert!(SellerAction::all().all(|a| role_allows(Role::Owner, a)));
    }

    #[test]
    fn only_the_owner_manages_team_keys_and_shop_settings() {
        for role in [Role::Marketing, Role::Operations, Role::Finance] {
            assert!(!role_allows(role, SellerAction::write(Area::Team)));
            assert!(!role_allows(role, SellerAction::read(Area::Integrations)));
            assert!(!role_allows(role, SellerAction::write(Area::Shop)));
            assert!(role_allows(role, SellerAction::read(Area::Team)));
            assert!(role_allows(role, SellerAction::read(Area::Shop)));
        }
    }

    #[test]
    fn roles_work_in_their_own_areas_only() {
        assert!(role_allows(
            Role::Marketing,
            SellerAction::write(Area::Catalog)
        ));
        assert!(!role_allows(
            Role::Marketing,
            SellerAction::read(Area::Orders)
        ));
        assert!(role_allows(
            Role::Operations,
            SellerAction::write(Area::Fulfillment)
        ));
        assert!(!role_allows(
            Role::Operations,
            SellerAction::write(Area::Promotions)
        ));
        assert!(role_allows(
            Role::Finance,
            SellerAction::read(Area::Settlements)
        ));
        assert!(!role_allows(
            Role::Finance,
            SellerAction::read(Area::Catalog)
        ));
    }

    #[test]
    fn write_scope_implies_read_but_not_the_reverse() {
        let write = [ApiScope::parse("catalog:write").unwrap()];
        let read = [ApiScope::parse("catalog:read").unwrap()];
        assert!(scopes_allow(&write, SellerAction::read(Area::Catalog)));
        assert!(scopes_allow(&read, SellerAction::read(Area::Catalog)));
        assert!(!scopes_allow(&read, SellerAction::write(Area::Catalog)));
        assert!(!scopes_allow(&write, SellerAction::read(Area::Orders)));
    }

    #[test]
    fn keys_can_never_manage_team_or_keys() {
        let all: Vec<ApiScope> = ApiScope::all().collect();
        assert!(!scopes_allow(&all, SellerAction::write(Area::Team)));
        assert!(!scopes_allow(&all, SellerAction::read(Area::Integrations)));
        assert!(scopes_allow(&all, SellerAction::read(Area::Team)));
    }

    #[test]
    fn scopes_round_trip_through_text() {
        for scope in ApiScope::all() {
            assert_eq!(ApiScope::parse(&scope.to_string()), Some(scope));
        }
        assert_eq!(ApiScope::parse("catalog:admin"), None);
        assert_eq!(ApiScope::parse("nothing:read"), None);
    }
}
