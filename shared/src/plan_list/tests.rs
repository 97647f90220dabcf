use super::*;
use crate::api::DateKind;

fn server_plan(id: &str, person: &str, closed: bool, role: Role) -> MyPlan {
    MyPlan {
        document_id: id.into(),
        title: format!("Plan {id}"),
        person: person.into(),
        coordinator: "Karin Ek".into(),
        next_follow_up: Some("2027-01-15".into()),
        meetings: vec!["2026-11-01".into()],
        closed,
        role,
    }
}

fn device_plan(id: &str, title: &str) -> DevicePlan {
    DevicePlan { id: id.into(), title: title.into(), role: Some(Role::Editor) }
}

fn names(list: &[ListedPlan]) -> Vec<&str> {
    list.iter().map(|p| p.name().unwrap_or("(inget namn)")).collect()
}

fn server() -> Vec<MyPlan> {
    vec![
        server_plan("a", "Örjan Ek", false, Role::Coordinator),
        server_plan("b", "Åsa Berg", true, Role::Coordinator),
        server_plan("c", "anna Lind", false, Role::Editor),
        server_plan("d", "Ärla Nord", false, Role::Reader),
    ]
}

#[test]
fn the_servers_plans_and_the_devices_are_listed_once_in_swedish_order() {
    let device = [device_plan("a", "Örjans plan"), device_plan("x", ""), device_plan("y", "Bos plan")];
    let list = merge(&server(), &device, Source::Server, "2026-12-06");
    assert_eq!(names(&list), ["(inget namn)", "anna Lind", "Bos plan", "Åsa Berg", "Ärla Nord", "Örjan Ek"]);
    let orjan = list.iter().find(|p| p.id == "a").expect("a");
    assert!(orjan.known);
    assert_eq!(orjan.role, Some(Role::Coordinator), "the server's role, not the device's");
    assert_eq!(orjan.next, Some(NextDate { date: "2027-01-15".into(), kind: DateKind::FollowUp }));
    let bo = list.iter().find(|p| p.id == "y").expect("y");
    assert!(!bo.known);
    assert_eq!(bo.role, Some(Role::Editor));
}

#[test]
fn without_the_server_only_the_devices_plans_are_listed_with_what_the_server_said() {
    let device = [device_plan("b", "Åsas plan"), device_plan("y", "Bos plan")];
    let list = merge(&server(), &device, Source::DeviceOnly, "2026-12-06");
    assert_eq!(names(&list), ["Bos plan", "Åsa Berg"]);
    assert!(list[1].closed && list[1].known);
    assert_eq!(names(&merge(&[], &device, Source::DeviceOnly, "2026-12-06")), ["Bos plan", "Åsas plan"]);
}

/// The names of the server's plans that `filter` keeps.
fn check(filter: PlanFilter, expected: &[&str]) {
    let list = merge(&server(), &[], Source::Server, "2026-12-06");
    let kept: Vec<ListedPlan> = list.into_iter().filter(|p| filter.keeps(p)).collect();
    assert_eq!(names(&kept), expected, "{filter:?}");
}

#[test]
fn search_finds_the_persons_name_in_any_case_and_filters_narrow_it() {
    let all = ["anna Lind", "Åsa Berg", "Ärla Nord", "Örjan Ek"];
    check(PlanFilter::default(), &all);
    check(PlanFilter { query: "  ".into(), ..PlanFilter::default() }, &all);
    check(PlanFilter { query: "ANNA".into(), ..PlanFilter::default() }, &["anna Lind"]);
    check(PlanFilter { query: "åsa b".into(), ..PlanFilter::default() }, &["Åsa Berg"]);
    check(PlanFilter { query: "ek örjan".into(), ..PlanFilter::default() }, &["Örjan Ek"]);
    check(PlanFilter { query: "Plan c".into(), ..PlanFilter::default() }, &["anna Lind"]);
    check(PlanFilter { query: "Kalle".into(), ..PlanFilter::default() }, &[]);
    check(
        PlanFilter { status: Status::Open, ..PlanFilter::default() },
        &["anna Lind", "Ärla Nord", "Örjan Ek"],
    );
    check(PlanFilter { status: Status::Closed, ..PlanFilter::default() }, &["Åsa Berg"]);
    check(PlanFilter { mine_as_coordinator: true, ..PlanFilter::default() }, &["Åsa Berg", "Örjan Ek"]);
    check(
        PlanFilter { mine_as_coordinator: true, status: Status::Open, ..PlanFilter::default() },
        &["Örjan Ek"],
    );
}

#[test]
fn a_name_written_on_the_device_shows_until_the_server_has_one() {
    let mut server = vec![server_plan("a", "", false, Role::Coordinator)];
    server[0].title = String::new();
    let device = [device_plan("a", "Bos plan")];
    assert_eq!(names(&merge(&server, &device, Source::Server, "2026-12-06")), ["Bos plan"]);
    server[0].title = "Bo Eks plan".into();
    assert_eq!(names(&merge(&server, &device, Source::Server, "2026-12-06")), ["Bo Eks plan"]);
}
