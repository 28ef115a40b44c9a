//! The error catalogue: every code each ECI operation documents, plus the gateway codes every action
//! can answer (the `Gateway` rows of `ErrorCode`, listed nowhere else), with HTTP status and message.
//! Handlers answer documented codes through `documented_error`; fault rules take their defaults here.

use super::{ApiError, DocumentedCode, ErrorCode, Source};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The operations' documented codes, one `action\tstatus\tcode\tmessage` row each, written by
/// `scripts/error-catalogue.py` from the API metadata.
const OPERATION_ROWS: &str = include_str!("catalogue.tsv");

/// The companion products' documented codes (VPC, ECS, STS), one row each in the same shape.
const COMPANION_ROWS: &str = include_str!("companions.tsv");

/// One documented error: its code, HTTP status and message (with any `%s` already filled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub action: &'static str,
    pub status: u16,
    pub code: &'static str,
    pub template: Cow<'static, str>,
}

impl Entry {
    /// The message with each `%s` replaced by a detail that reads naturally for this code.
    pub fn message(&self) -> String {
        let mut message = self.template.clone().into_owned();
        for detail in detail_for(self.code) {
            if !message.contains("%s") {
                break;
            }
            message = message.replacen("%s", detail, 1);
        }
        message.replace("%s", self.code)
    }

    pub fn to_error(&self) -> ApiError {
        ApiError::documented(self.code, self.status, self.message())
    }
}

/// The whole catalogue, parsed once.
pub struct Catalogue {
    entries: Vec<Entry>,
    /// Code → indices into `entries`, in documented order.
    by_code: HashMap<&'static str, Vec<usize>>,
}

/// The action under which the gateway's codes are filed.
pub use crate::actions::ANY_ACTION;

impl Catalogue {
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(Catalogue::parse)
    }

    fn parse() -> Catalogue {
        let operation_rows = OPERATION_ROWS
            .lines()
            .chain(COMPANION_ROWS.lines())
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(parse_row);
        let gateway_rows = ErrorCode::ALL
            .iter()
            .filter(|kind| kind.source() == Source::Gateway)
            .map(|kind| Entry {
                action: ANY_ACTION,
                status: kind.status(),
                code: kind.code(),
                template: gateway_template(kind.template()),
            });
        let entries: Vec<Entry> = operation_rows.chain(gateway_rows).collect();
        let mut by_code: HashMap<_, Vec<usize>> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            by_code.entry(entry.code).or_default().push(index);
        }
        Catalogue { entries, by_code }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries documented for `action` (not the gateway's).
    pub fn for_action<'a>(&'a self, action: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.action == action)
    }

    /// The row for `code` as `action` documents it; with `status`, the row of that status (one code
    /// can be documented twice, e.g. `NoPermission` as 400 and 403). Failing a row of `action` itself,
    /// the gateway's row, then the first operation that documents the code.
    pub fn find(&self, action: &str, code: &str, status: Option<u16>) -> Option<&Entry> {
        let rows = || {
            self.by_code
                .get(code)
                .into_iter()
                .flatten()
                .filter_map(|i| self.entries.get(*i))
                .filter(|e| status.is_none_or(|wanted| e.status == wanted))
        };
        rows()
            .find(|e| e.action == action)
            .or_else(|| rows().find(|e| e.action == ANY_ACTION))
            .or_else(|| rows().next())
    }
}

/// The documented error `code` of `action`, with `detail` in its `%s` (or the catalogue's sentence).
/// The code is a type (`codes.rs`), so only a documented one compiles; under an action whose table
/// lacks it (a bug of the caller, logged) it answers with its own first row's status and message.
pub fn documented_error(action: &str, code: impl DocumentedCode, detail: Option<&str>) -> ApiError {
    let entry = Catalogue::get()
        .find(action, code.as_str(), None)
        .cloned()
        .unwrap_or_else(|| {
            tracing::error!(action, code = code.as_str(), "the action does not document this code");
            Entry {
                action: "",
                status: code.status(),
                code: code.as_str(),
                template: Cow::Borrowed(code.template()),
            }
        });
    match detail {
        Some(detail) => ApiError::documented(entry.code, entry.status, entry.template.replacen("%s", detail, 1)),
        None => entry.to_error(),
    }
}

/// A gateway message as a fault rule shows it, with no request to name: the quoted parameter of
/// `MissingParameter` and the string to sign of `SignatureDoesNotMatch` are left out.
fn gateway_template(template: &'static str) -> Cow<'static, str> {
    if template.contains("\"%s\" ") || template.ends_with(":%s") {
        Cow::Owned(template.replace("\"%s\" ", "").replace(":%s", ""))
    } else {
        Cow::Borrowed(template)
    }
}

fn parse_row(line: &'static str) -> Option<Entry> {
    let mut fields = line.splitn(4, '\t');
    let action = fields.next()?;
    let status = fields.next()?.parse().ok()?;
    let code = fields.next()?;
    let template = fields.next()?;
    Some(Entry {
        action,
        status,
        code,
        template: Cow::Borrowed(template),
    })
}

/// What stands for each `%s` of a code's message; the documentation gives none, so these say what a
/// user of the service would read in that situation.
fn detail_for(code: &str) -> &'static [&'static str] {
    match code {
        "IncorrectStatus" | "IncorrectStatusDetail" => {
            &["The current status of the resource does not support this operation."]
        }
        "ServiceNotEnabled" => &["The Elastic Container Instance service is not activated for this account."],
        "ImageSnapshot.IncorrectStatus" | "ImageCache.IncorrectStatus" => {
            &["The image cache is not in a status that supports this operation."]
        }
        "ImageSnapshot.NotSupport" => &["Image caches based on disk snapshots are not available to this account."],
        "InstanceTypeNotMatchCpuArch" => &["The instance type does not match the CPU architecture of the image"],
        "IncorrectOperation" => &["The operation is not supported for the resource in its current state."],
        "FeatureBasedConstraintConflict" => &["SpotStrategy, InstanceType"],
        "OperationFailed.RiskControl" => &["The operation has been identified as abnormal and cannot be processed"],
        "QuotaExceeded" => &["ContainerGroup"],
        "Spot.NotMatched" => &["No spot instance type in the specified zones matches the requested specification"],
        "FeatureAccessRestricted" => &["the requested feature"],
        "InvalidParameter.LengthExceeded" => &["The length of a parameter exceeds its limit."],
        "InvalidParameter.ValueExceeded" => &["The value of a parameter exceeds its limit."],
        "InvalidParameter" => &["The specified parameter is not valid."],
        "MissingParameter" => &["A parameter that is mandatory for processing this request is not supplied."],
        "InvalidParameter.NotFound" => &["The specified resource does not exist."],
        "VnodeDedicatedHostIdAlreadyExist" => &["dh-emulator", "vnd-emulator"],
        "Ops.TypeNotSupport" => &["The specified O&M task type is not supported."],
        "Ops.InstanceNotSupport" => &["The specified instance does not support this O&M task."],
        "Ops.RegionNotSupport" | "Coredump.RegionNotSupport" => &["The O&M task is not supported in this region."],
        "Ops.ExecuteTaskFail" => &["The O&M task failed to execute."],
        "Coredump.InvalidCorePatternType" => &["The specified core pattern type is not valid."],
        "InvalidCorePatternValue" => &["The specified core pattern value is not valid."],
        "Tcpdump.InvalidValue" => &["The specified tcpdump setting is not valid."],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::EciCode;

    #[test]
    fn every_row_parses_with_a_status_and_a_message_free_of_placeholders() {
        let catalogue = Catalogue::get();
        let from_operations = catalogue.entries().iter().filter(|e| e.action != ANY_ACTION).count();
        let companions = COMPANION_ROWS.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(
            from_operations,
            456 + companions,
            "every documented row of ECI and its companions"
        );
        let actions: std::collections::HashSet<_> = catalogue.entries().iter().map(|e| e.action).collect();
        assert_eq!(
            actions.len(),
            24 + 31 + 1,
            "ECI and companion operations documenting codes (two names shared), plus the gateway"
        );
        for entry in catalogue.entries() {
            assert!(matches!(entry.status, 400 | 403 | 404 | 500 | 503), "{entry:?}");
            let message = entry.message();
            assert!(!message.contains("%s") && !message.is_empty(), "{entry:?}: {message}");
            assert!(!entry.code.contains(char::is_whitespace), "{entry:?}");
            let found = catalogue.find(entry.action, entry.code, Some(entry.status));
            assert_eq!(found, Some(entry), "every row can be found again");
        }
    }

    #[test]
    fn not_found_codes_are_404_and_duplicated_codes_pick_by_status() {
        let catalogue = Catalogue::get();
        let disk = catalogue.find("CreateContainerGroup", "InvalidDiskId.NotFound", None);
        assert_eq!(disk.map(|e| e.status), Some(404));
        let first = catalogue.find("CreateContainerGroup", "NoPermission", None);
        assert_eq!(first.map(|e| e.status), Some(400));
        let forbidden = catalogue.find("CreateContainerGroup", "NoPermission", Some(403));
        assert_eq!(forbidden.map(|e| e.status), Some(403));
        assert!(catalogue
            .find("CreateContainerGroup", "NoPermission", Some(500))
            .is_none());
    }

    #[test]
    fn gateway_codes_answer_for_every_action_and_details_fill_placeholders() {
        let catalogue = Catalogue::get();
        let throttled = catalogue.find("DescribeContainerGroups", "Throttling.User", None);
        assert_eq!(throttled.map(|e| e.status), Some(400));
        let unavailable = catalogue.find(ANY_ACTION, "ServiceUnavailable", None);
        assert_eq!(unavailable.map(|e| e.status), Some(503));
        let quota = catalogue.find(ANY_ACTION, "QuotaExceeded", None);
        assert_eq!(
            quota.map(Entry::message).as_deref(),
            Some("ContainerGroup quota exceeded.")
        );
        let host = catalogue.find("CreateVirtualNode", "VnodeDedicatedHostIdAlreadyExist", None);
        assert_eq!(
            host.map(Entry::message).as_deref(),
            Some("DedicatedHostId:dh-emulator of Vnode:vnd-emulator already exists.")
        );
        assert!(catalogue.find("CreateContainerGroup", "NoSuchCode", None).is_none());
        let borrowed = catalogue.find("DescribeContainerGroups", "OperationDenied.NoStock", None);
        assert_eq!(
            borrowed.map(|e| (e.action, e.status)),
            Some(("CreateContainerGroup", 403))
        );
    }

    #[test]
    fn documented_errors_take_a_detail_or_the_catalogue_sentence() {
        let with = documented_error(
            "CreateInstanceOpsTask",
            EciCode::TcpdumpInvalidValue,
            Some("Enable is required."),
        );
        assert_eq!(
            (with.code(), with.status(), with.message.as_str()),
            ("Tcpdump.InvalidValue", 400, "Enable is required.")
        );
        let without = documented_error("CommitContainer", EciCode::InvalidVolumeType, None);
        assert_eq!(without.status(), 403);
        // A code the action does not document answers with the code's own first row.
        let elsewhere = documented_error("CommitContainer", EciCode::NoNeedUpdate, None);
        assert_eq!(
            (elsewhere.code(), elsewhere.status()),
            (EciCode::NoNeedUpdate.as_str(), EciCode::NoNeedUpdate.status())
        );
        assert_eq!(elsewhere.code(), "NoNeedUpdate");
    }

    #[test]
    fn built_in_errors_agree_with_the_documented_rows() {
        for kind in ErrorCode::ALL.iter().filter(|k| k.source() == Source::Product) {
            let Some(entry) = catalogue_row_for_create(*kind) else {
                continue;
            };
            assert_eq!(entry.status, kind.status(), "{kind:?}");
            if !kind.template().contains("%s") {
                assert_eq!(entry.template, kind.template(), "{kind:?}");
            }
        }
    }

    #[test]
    fn each_built_in_row_is_what_its_source_says() {
        let documented = |kind: ErrorCode| {
            Catalogue::get()
                .entries()
                .iter()
                .any(|e| e.action != ANY_ACTION && e.code == kind.code() && e.status == kind.status())
        };
        for kind in ErrorCode::ALL {
            match kind.source() {
                Source::Product => assert!(documented(*kind), "{kind:?} is not documented with that status"),
                Source::Gateway => {
                    let row = Catalogue::get().find(ANY_ACTION, kind.code(), Some(kind.status()));
                    assert!(row.is_some_and(|e| e.action == ANY_ACTION), "{kind:?}");
                }
                Source::Choice => {}
            }
        }
    }

    /// Every code a handler answers is a catalogue row: errors are made from `ErrorCode` rows or by
    /// `documented_error` with a typed code (no string code at a call site), a call naming its action
    /// names one that documents the code, and only fault rules make others.
    #[test]
    fn the_source_answers_only_codes_the_catalogue_has() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut pending = vec![root.clone()];
        let stringly = regex::Regex::new(r#"documented_error\(\s*[^,]+,\s*""#).unwrap();
        let named = regex::Regex::new(r#"documented_error\(\s*"([^"]+)",\s*(?:EciCode|CompanionCode)::(\w+)"#).unwrap();
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let whole = std::fs::read_to_string(&path).unwrap();
                // Tests may answer made-up codes on purpose; only the code above them is checked.
                let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
                let relative = path.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
                // Split so that this test's own source does not match.
                if text.contains(concat!("ApiError::", "injected(")) {
                    assert!(
                        ["faults/rule.rs", "error/mod.rs"].contains(&relative.as_str()),
                        "{relative} makes an error outside the catalogue"
                    );
                }
                assert!(
                    !stringly.is_match(text),
                    "{relative}: a string error code at a call site"
                );
                for found in named.captures_iter(text) {
                    let (action, variant) = (&found[1], &found[2]);
                    assert!(
                        Catalogue::get()
                            .for_action(action)
                            .any(|e| crate::error::generate::variant(e.code) == variant),
                        "{relative}: {action} does not document {variant}"
                    );
                }
            }
        }
    }

    fn catalogue_row_for_create(kind: ErrorCode) -> Option<&'static Entry> {
        Catalogue::get()
            .for_action("CreateContainerGroup")
            .find(|e| e.code == kind.code())
    }
}
