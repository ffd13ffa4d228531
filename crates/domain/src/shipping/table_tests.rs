use super::*;

const HEADER: &str = "service,route,price_per_kg,eta_min_days,eta_max_days";

/// A complete, valid file for `jne_reg`: the header, then one row per route
/// (line 2 is `same_regency`, line 3 `same_province`, line 4 `sumatera-sumatera`).
fn lines() -> Vec<String> {
    let mut lines = vec![HEADER.to_owned()];
    lines.extend(Route::all().map(|r| format!("jne_reg,{r},20000,2,4")));
    lines
}

fn parse(lines: &[String]) -> Result<RateTable, RateTableError> {
    RateTable::parse(&lines.join("\n"))
}

/// The file with line `line` (1-based) replaced.
fn with_line(line: usize, text: &str) -> Result<RateTable, RateTableError> {
    let mut lines = lines();
    lines[line - 1] = text.to_owned();
    parse(&lines)
}

fn failure(line: u64, column: Option<&'static str>, problem: RateProblem) -> RateTableError {
    RateTableError {
        line,
        column,
        problem,
    }
}

#[test]
fn the_embedded_table_has_every_service_on_every_route() {
    let table = RateTable::default_table();
    assert_eq!(table.services(), Service::ALL);
    for service in Service::ALL {
        for route in Route::all() {
            let rate = table.rate(service, route);
            assert!(rate.is_some(), "{service} {route}");
        }
    }
}

#[test]
fn the_embedded_table_prices_speed_and_distance_sensibly() {
    let table = RateTable::default_table();
    let rate = |s, r| *table.rate(s, r).unwrap();
    for route in Route::all() {
        let reg = rate(Service::JneReg, route);
        let yes = rate(Service::JneYes, route);
        let jtr = rate(Service::JneJtr, route);
        assert!(yes.price_per_kg() > reg.price_per_kg(), "{route}");
        assert!(yes.eta_max_days() <= reg.eta_max_days(), "{route}");
        assert!(jtr.price_per_kg() < reg.price_per_kg(), "{route}");
        assert!(jtr.eta_max_days() >= reg.eta_max_days(), "{route}");
    }
    let jawa = |to| Route::Zones {
        from: Zone::Jawa,
        to,
    };
    for service in Service::ALL {
        let price = |r| rate(service, r).price_per_kg();
        assert!(price(Route::SameRegency) <= price(Route::SameProvince));
        assert!(price(Route::SameProvince) < price(jawa(Zone::Jawa)));
        assert!(price(jawa(Zone::Jawa)) < price(jawa(Zone::Sulawesi)));
        assert!(price(jawa(Zone::Sulawesi)) < price(jawa(Zone::MalukuPapua)));
    }
}

#[test]
fn a_valid_file_parses_with_crlf_a_bom_and_blank_lines() {
    let table = parse(&lines()).unwrap();
    assert_eq!(table.services(), [Service::JneReg]);
    let text = format!("\u{feff}{}\r\n\r\n", lines().join("\r\n"));
    assert_eq!(RateTable::parse(&text), Ok(table));
}

#[test]
fn a_route_left_empty_is_not_served() {
    let table = with_line(4, "jne_reg,sumatera-sumatera,,,").unwrap();
    let route = Route::parse("sumatera-sumatera").unwrap();
    assert_eq!(table.rate(Service::JneReg, route), None);
    assert!(table.rate(Service::JneReg, Route::SameRegency).is_some());
}

#[test]
fn header_and_shape_problems_name_the_line() {
    assert_eq!(
        RateTable::parse(""),
        Err(failure(1, None, RateProblem::Empty))
    );
    assert_eq!(
        RateTable::parse(HEADER),
        Err(failure(1, None, RateProblem::Empty))
    );
    assert_eq!(
        with_line(1, "service,route,price,eta_min_days,eta_max_days"),
        Err(failure(1, None, RateProblem::WrongHeader))
    );
    assert_eq!(
        with_line(5, "jne_reg,sumatera-jawa,20000,2"),
        Err(failure(5, None, RateProblem::WrongColumnCount(4)))
    );
    assert_eq!(
        with_line(6, "jne_reg,sumatera-bali_nusa_tenggara,20000,,4"),
        Err(failure(6, Some("eta_min_days"), RateProblem::PartlyEmpty))
    );
}

#[test]
fn unknown_services_and_zones_name_line_and_column() {
    let unknown_service = RateProblem::UnknownService("jne_oke".into());
    assert_eq!(
        with_line(3, "jne_oke,same_province,20000,2,4"),
        Err(failure(3, Some("service"), unknown_service))
    );
    let unknown_zone = RateProblem::Route(RouteError::UnknownZone("papua".into()));
    assert_eq!(
        with_line(7, "jne_reg,jawa-papua,20000,2,4"),
        Err(failure(7, Some("route"), unknown_zone))
    );
    let malformed = RateProblem::Route(RouteError::Malformed("jawa".into()));
    assert_eq!(
        with_line(2, "jne_reg,jawa,20000,2,4"),
        Err(failure(2, Some("route"), malformed))
    );
}

#[test]
fn bad_numbers_name_line_and_column() {
    let cases = [
        (
            "-5000",
            "2,4",
            "price_per_kg",
            RateProblem::PriceNotPositive(-5000),
        ),
        ("0", "2,4", "price_per_kg", RateProblem::PriceNotPositive(0)),
        (
            "10.000",
            "2,4",
            "price_per_kg",
            RateProblem::NotAWholeNumber("10.000".into()),
        ),
        (
            "99999999",
            "2,4",
            "price_per_kg",
            RateProblem::PriceTooHigh(99_999_999),
        ),
        (
            "20000",
            "x,4",
            "eta_min_days",
            RateProblem::NotAWholeNumber("x".into()),
        ),
        (
            "20000",
            "2,61",
            "eta_max_days",
            RateProblem::DaysOutOfRange(61),
        ),
        (
            "20000",
            "-1,4",
            "eta_min_days",
            RateProblem::DaysOutOfRange(-1),
        ),
        (
            "20000",
            "5,3",
            "eta_min_days",
            RateProblem::EtaMinAfterMax { min: 5, max: 3 },
        ),
    ];
    for (price, days, column, problem) in cases {
        let line = format!("jne_reg,same_province,{price},{days}");
        assert_eq!(
            with_line(3, &line),
            Err(failure(3, Some(column), problem)),
            "{line}"
        );
    }
}

#[test]
fn duplicates_and_missing_routes_are_refused() {
    let mut duplicated = lines();
    duplicated.push("jne_reg,jawa-jawa,21000,2,3".into());
    let route = Route::parse("jawa-jawa").unwrap();
    let first_line = 2 + Route::all().position(|r| r == route).unwrap() as u64;
    let problem = RateProblem::Duplicate {
        service: Service::JneReg,
        route,
        first_line,
    };
    assert_eq!(
        parse(&duplicated),
        Err(failure(duplicated.len() as u64, Some("route"), problem))
    );

    // A second service that lists only one route: reported on its first line.
    let mut partial = lines();
    partial.push("jnt_ez,same_regency,9000,1,2".into());
    let problem = RateProblem::MissingRoute {
        service: Service::JntEz,
        route: Route::SameProvince,
    };
    assert_eq!(
        parse(&partial),
        Err(failure(partial.len() as u64, Some("route"), problem))
    );
}

#[test]
fn errors_read_as_instructions() {
    let error = with_line(3, "jne_reg,same_province,-5000,2,4").unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 3, column 3 (price_per_kg): the price per kg must be at least Rp1, not -5000"
    );
    let error = with_line(1, "service;route").unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1: the first line must be `service,route,price_per_kg,eta_min_days,eta_max_days`"
    );
}
