//! The rate table: what each service charges per kilogram on each route and
//! how many days it takes. It is data, not code, so that admins can upload
//! an edited `shipping_rates.csv`; the parser refuses a file it would have
//! to guess about, and says which line and column to fix.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use super::service::Service;
use super::zones::{Route, RouteError};

const SHIPPING_RATES: &str = include_str!("../../data/shipping_rates.csv");

/// The header the file must start with, in this order.
pub const COLUMNS: [&str; 5] = [
    "service",
    "route",
    "price_per_kg",
    "eta_min_days",
    "eta_max_days",
];

/// What one service charges on one route, and how long it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    price_per_kg: i64,
    eta_min_days: u16,
    eta_max_days: u16,
}

impl Rate {
    /// Well above any courier's tariff: a guard against a typed extra zero
    /// and against overflow, not a business rule.
    pub const MAX_PRICE_PER_KG: i64 = 10_000_000;
    /// Sea cargo to the far east takes weeks, not months.
    pub const MAX_ETA_DAYS: u16 = 60;

    /// Whole Rupiah per chargeable kilogram.
    pub fn price_per_kg(&self) -> i64 {
        self.price_per_kg
    }

    /// Working days from pickup, at the earliest (0: same day).
    pub fn eta_min_days(&self) -> u16 {
        self.eta_min_days
    }

    pub fn eta_max_days(&self) -> u16 {
        self.eta_max_days
    }
}

/// A parsed rate file. A service with no rows is not offered; a service
/// with rows has one for every route, a route it does not serve written
/// with the price and both days left empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    rates: BTreeMap<(Service, Route), Rate>,
    /// The services with rows, in [`Service::ALL`] order: every quote asks
    /// for them, so they are found once, not by walking every rate.
    services: Vec<Service>,
}

/// Where a rate file is wrong and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTableError {
    /// 1-based, counting the header.
    pub line: u64,
    /// The column's header name, when one column is at fault.
    pub column: Option<&'static str>,
    pub problem: RateProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateProblem {
    #[error("the file has no rates: add at least one served route")]
    Empty,
    #[error("the first line must be `{}`", COLUMNS.join(","))]
    WrongHeader,
    #[error("the line is not valid CSV")]
    Malformed,
    #[error("expected {expected} columns, found {0}", expected = COLUMNS.len())]
    WrongColumnCount(usize),
    #[error("unknown service `{0}` (services: {services})", services = service_codes())]
    UnknownService(String),
    #[error(transparent)]
    Route(#[from] RouteError),
    #[error("`{0}` is not a whole number: write digits only, e.g. 10000")]
    NotAWholeNumber(String),
    #[error("the price per kg must be at least Rp1, not {0}")]
    PriceNotPositive(i64),
    #[error("Rp{0} per kg is above the Rp{max} limit", max = Rate::MAX_PRICE_PER_KG)]
    PriceTooHigh(i64),
    #[error("{0} days is outside 0 to {max}", max = Rate::MAX_ETA_DAYS)]
    DaysOutOfRange(i64),
    #[error("eta_min_days ({min}) is more than eta_max_days ({max})")]
    EtaMinAfterMax { min: u16, max: u16 },
    #[error(
        "fill in price_per_kg and both days, or leave all three empty if the route is not served"
    )]
    PartlyEmpty,
    #[error("{service} on {route} is already on line {first_line}")]
    Duplicate {
        service: Service,
        route: Route,
        first_line: u64,
    },
    #[error("{service} has no row for route {route} (leave the values empty if it is not served)")]
    MissingRoute { service: Service, route: Route },
}

fn service_codes() -> String {
    Service::ALL.map(Service::code).join(", ")
}

impl fmt::Display for RateTableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = self.column {
            let number = COLUMNS
                .iter()
                .position(|c| *c == column)
                .map_or(0, |i| i + 1);
            write!(f, ", column {number} ({column})")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for RateTableError {}

fn error(line: u64, column: Option<&'static str>, problem: RateProblem) -> RateTableError {
    RateTableError {
        line,
        column,
        problem,
    }
}

/// One data line: a rate, or `None` for a route the service does not serve.
struct Row {
    line: u64,
    service: Service,
    route: Route,
    rate: Option<Rate>,
}

impl RateTable {
    /// The platform's default rates, embedded from `shipping_rates.csv`.
    pub fn default_table() -> &'static RateTable {
        static TABLE: OnceLock<RateTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            RateTable::parse(SHIPPING_RATES)
                .expect("the embedded shipping_rates.csv parses (tested)")
        })
    }

    /// Reads a rate file, stopping at its first problem.
    pub fn parse(text: &str) -> Result<RateTable, RateTableError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut records = reader.records().map(|record| {
            record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                error(line, None, RateProblem::Malformed)
            })
        });
        let header = records
            .next()
            .ok_or_else(|| error(1, None, RateProblem::Empty))??;
        if header.iter().ne(COLUMNS) {
            return Err(error(line_of(&header), None, RateProblem::WrongHeader));
        }
        let mut rows: BTreeMap<(Service, Route), Row> = BTreeMap::new();
        let mut first_line_of: BTreeMap<Service, u64> = BTreeMap::new();
        for record in records {
            let row = parse_row(&record?)?;
            if let Some(first) = rows.get(&(row.service, row.route)) {
                let problem = RateProblem::Duplicate {
                    service: row.service,
                    route: row.route,
                    first_line: first.line,
                };
                return Err(error(row.line, Some("route"), problem));
            }
            first_line_of.entry(row.service).or_insert(row.line);
            rows.insert((row.service, row.route), row);
        }
        for (&service, &line) in &first_line_of {
            if let Some(route) = Route::all().find(|r| !rows.contains_key(&(service, *r))) {
                let problem = RateProblem::MissingRoute { service, route };
                return Err(error(line, Some("route"), problem));
            }
        }
        let rates: BTreeMap<_, _> = rows
            .into_iter()
            .filter_map(|(key, row)| row.rate.map(|rate| (key, rate)))
            .collect();
        if rates.is_empty() {
            // Nothing could ever be quoted: surely not what was meant.
            return Err(error(line_of(&header), None, RateProblem::Empty));
        }
        let mut services: Vec<Service> = rates.keys().map(|(s, _)| *s).collect();
        services.dedup();
        Ok(RateTable { rates, services })
    }

    /// The rate of `service` on `route`; `None` when it does not go there.
    pub fn rate(&self, service: Service, route: Route) -> Option<&Rate> {
        self.rates.get(&(service, route))
    }

    /// The services with at least one served route, in [`Service::ALL`] order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

fn parse_row(record: &csv::StringRecord) -> Result<Row, RateTableError> {
    let line = line_of(record);
    let at = |column: &'static str| move |problem: RateProblem| error(line, Some(column), problem);
    if record.len() != COLUMNS.len() {
        return Err(error(
            line,
            None,
            RateProblem::WrongColumnCount(record.len()),
        ));
    }
    let service = Service::parse(&record[0])
        .ok_or_else(|| at("service")(RateProblem::UnknownService(record[0].to_owned())))?;
    let route = Route::parse(&record[1]).map_err(|e| at("route")(e.into()))?;
    let values = [&record[2], &record[3], &record[4]];
    if values.iter().all(|v| v.is_empty()) {
        return Ok(Row {
            line,
            service,
            route,
            rate: None,
        });
    }
    if let Some(i) = values.iter().position(|v| v.is_empty()) {
        return Err(at(COLUMNS[2 + i])(RateProblem::PartlyEmpty));
    }
    let price_per_kg = price(values[0]).map_err(at("price_per_kg"))?;
    let eta_min_days = days(values[1]).map_err(at("eta_min_days"))?;
    let eta_max_days = days(values[2]).map_err(at("eta_max_days"))?;
    if eta_min_days > eta_max_days {
        let problem = RateProblem::EtaMinAfterMax {
            min: eta_min_days,
            max: eta_max_days,
        };
        return Err(at("eta_min_days")(problem));
    }
    let rate = Rate {
        price_per_kg,
        eta_min_days,
        eta_max_days,
    };
    Ok(Row {
        line,
        service,
        route,
        rate: Some(rate),
    })
}

fn whole_number(text: &str) -> Result<i64, RateProblem> {
    text.parse()
        .map_err(|_| RateProblem::NotAWholeNumber(text.to_owned()))
}

fn price(text: &str) -> Result<i64, RateProblem> {
    match whole_number(text)? {
        price if price < 1 => Err(RateProblem::PriceNotPositive(price)),
        price if price > Rate::MAX_PRICE_PER_KG => Err(RateProblem::PriceTooHigh(price)),
        price => Ok(price),
    }
}

fn days(text: &str) -> Result<u16, RateProblem> {
    let days = whole_number(text)?;
    u16::try_from(days)
        .ok()
        .filter(|d| *d <= Rate::MAX_ETA_DAYS)
        .ok_or(RateProblem::DaysOutOfRange(days))
}
