//! Status vocabularies of container groups and containers, and how they map to Kubernetes phases.

pub mod machine;
pub mod stages;
pub mod tags;

use serde::Serialize;

/// Declares the group statuses once: wire name and Kubernetes phase (notes §4.1).
macro_rules! group_statuses {
    ($($variant:ident => $phase:literal;)*) => {
        /// `ContainerGroups[].Status`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
        pub enum GroupStatus { $($variant),* }

        impl GroupStatus {
            pub const ALL: &'static [GroupStatus] = &[$(GroupStatus::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(GroupStatus::$variant => stringify!($variant)),* }
            }

            /// The pod phase virtual-kubelet and `DescribeContainerGroupStatus` report.
            pub fn pod_phase(self) -> &'static str {
                match self { $(GroupStatus::$variant => $phase),* }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|s| s.as_str() == text)
            }
        }
    };
}

group_statuses! {
    Scheduling => "Pending";
    ScheduleFailed => "Failed";
    Pending => "Pending";
    Running => "Running";
    Restarting => "Pending";
    Updating => "Pending";
    Terminating => "Running";
    Succeeded => "Succeeded";
    Failed => "Failed";
    Expired => "Failed";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_and_has_a_phase() {
        assert_eq!(GroupStatus::ALL.len(), 10);
        for s in GroupStatus::ALL {
            assert_eq!(GroupStatus::parse(s.as_str()), Some(*s));
            assert!(["Pending", "Running", "Succeeded", "Failed"].contains(&s.pod_phase()));
        }
        assert_eq!(GroupStatus::parse("running"), None);
    }
}
