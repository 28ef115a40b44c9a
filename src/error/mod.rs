//! The one API error type and the catalogue that maps each error code to its wire code, HTTP status and message.

use std::borrow::Cow;
use std::fmt;

pub mod catalogue;
#[rustfmt::skip]
pub mod codes;
#[cfg(test)]
mod generate;

pub use codes::{CompanionCode, DocumentedCode, EciCode};

/// Where a built-in error row comes from, which decides how it is checked against the operations'
/// documented codes (`catalogue.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The API gateway's common codes: they answer for every action, and they are the gateway rows
    /// of the catalogue (there is no second list of them).
    Gateway,
    /// Documented by at least one operation, with this status.
    Product,
    /// The emulator's choice where the documentation is silent (said next to the row).
    Choice,
}

/// Declares the error catalogue: one row per code, read by `code()`, `status()` and `template()`.
macro_rules! error_catalogue {
    ($($variant:ident => $source:ident $status:literal, $code:literal, $template:literal;)*) => {
        /// Every error code the emulator can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            /// All rows of the catalogue, for tests and documentation.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The `Code` string on the wire.
            pub fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            /// The HTTP status the service answers with.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),* }
            }

            /// The documented message; `%s` stands for a per-request detail.
            pub fn template(self) -> &'static str {
                match self { $(ErrorCode::$variant => $template),* }
            }

            /// Where the row comes from.
            pub fn source(self) -> Source {
                match self { $(ErrorCode::$variant => Source::$source),* }
            }
        }
    };
}

error_catalogue! {
    // Gateway-level codes shared by every RPC product (notes §6.6).
    MissingParameter => Gateway 400, "MissingParameter", "The input parameter \"%s\" that is mandatory for processing this request is not supplied.";
    InvalidParameter => Gateway 400, "InvalidParameter", "%s";
    InvalidAction => Gateway 404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.";
    InvalidVersion => Gateway 400, "InvalidVersion", "Specified parameter Version is not valid.";
    // The gateway appends its string to sign; aliyun-python-sdk-core compares it with its own to tell a
    // wrong secret (`InvalidAccessKeySecret`) from a signing bug.
    SignatureDoesNotMatch => Gateway 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:%s";
    SignatureNonceUsed => Gateway 400, "SignatureNonceUsed", "Specified signature nonce was used already.";
    TimestampExpired => Gateway 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.";
    TimestampFormat => Gateway 400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.";
    AccessKeyNotFound => Gateway 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.";
    UnsupportedSignatureMethod => Gateway 400, "InvalidSignatureMethod", "Specified signature method is not supported.";
    ServiceUnavailable => Gateway 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.";
    InternalError => Gateway 500, "InternalError", "The request processing has failed due to some unknown error, exception or failure.";
    // Emulator choice (undocumented for ECI): the code ECS and VPC answer for an unknown region.
    InvalidRegionId => Choice 400, "InvalidRegionId", "The specified region does not exist.";
    // ECI product-wide and CreateContainerGroup codes (notes §6.1, §6.5).
    NotFound => Product 404, "InvalidParameter.NotFound", "%s";
    DuplicatedName => Product 400, "InvalidParameter.DuplicatedName", "The container group include containers with duplicate names.";
    DuplicatedVolumeName => Product 400, "InvalidParameter.DuplicatedVolumeName", "The container group includes volumes with duplicate names.";
    ZoneNotOnSale => Product 403, "Zone.NotOnSale", "The specified zone is not available for purchase.";
    VswZoneMisMatch => Product 403, "OperationDenied.VswZoneMisMatch", "The specified VSwitchId is not in the specified Zone.";
    IpNotEnough => Product 403, "InvalidVSwitchId.IpNotEnough", "The specified VSwitch does not have enough IP addresses.";
    SecurityGroupMisMatch => Product 403, "OperationDenied.SecurityGroupMisMatch", "The specified VSwitchId and SecurityGroupId are not in the same VPC.";
    PrivateIpInUse => Product 400, "PrivateIpAddress.Already.InUse", "The specific PrivateIpAddress already in use.";
    // Emulator choices with --strict-network, ECS's and VPC's codes for unknown ids.
    VSwitchNotFound => Choice 404, "InvalidVSwitchId.NotFound", "The specified VSwitchId does not exist.";
    SecurityGroupNotFound => Choice 404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.";
    // Emulator choices (undocumented for ECI): an unknown EIP, and one already bound (ECS's code).
    EipNotFound => Choice 404, "InvalidEipInstanceId.NotFound", "The specified EipInstanceId does not exist.";
    IncorrectEipStatus => Choice 400, "IncorrectEipStatus", "The current status of the EIP does not support this operation.";
    DiskNotFound => Product 404, "InvalidDiskId.NotFound", "The specified disk does not exist.";
    DiskNotInSameZone => Product 400, "DiskVolume.NotInSameZone", "The instance to be created and the disk are not in the same zone.";
    ImageSnapshotNotFound => Product 404, "ImageSnapshot.NotFound", "The specified snapshot does not exist.";
    QuotaExceeded => Product 403, "QuotaExceeded", "%s quota exceeded.";
    AccountArrearage => Product 400, "Account.Arrearage", "Your account has an outstanding payment.";
    UserNotRealName => Product 403, "Forbidden.UserNotRealNameAuthentication", "This operation is not allowed, because you have not passed the real-name verification.";
    AccountClosed => Product 403, "Forbidden.AccountClosed", "The operation is forbidden. Your account has been closed.";
    InsufficientBalance => Product 400, "InvalidPaymentMethod.InsufficientBalance", "No payment method is specified for your account. We recommend that you add a payment method or add funds to the prepayment balance.";
    RamRoleNotSupport => Product 400, "RamRole.NotSupport", "The RAM role is not supported.";
    PassRoleForbidden => Product 403, "InvalidUser.PassRoleForbidden", "The RAM user is not authorized to assume a RAM role.";
    IncorrectStatus => Product 400, "IncorrectStatus", "%s";
    InvalidCpuMemory => Product 400, "InvalidParameter.CPU.Memory", "The specified cpu and memory are not allowed";
    HighCpuMemConfigRequired => Product 400, "HighCpuMemConfigRequired", "You need to apply to be added to the whitelist of the specified CPU and memory.";
    InvalidSpotCpuMemorySpec => Product 400, "InvalidSpotCpuMemorySpec", "The specified CPU and memory are not allowed. You must create spot ECI using standard ECS specifications for CPU and memory.";
    DryRunOperation => Product 400, "DryRunOperation", "Request validation has been passed with DryRun flag set.";
    // Emulator choice: ECS's code for a ClientToken reused with different parameters.
    // Emulator choice: DescribeInstanceOpsRecords documents no error; an unknown group answers as
    // CreateInstanceOpsTask's does.
    InstanceNotFound => Choice 400, "InvalidInstanceId.NotFound", "The specified instanceId does not exist.";
    IdempotentParameterMismatch => Choice 400, "IdempotentParameterMismatch", "Request uses a client token in a previous request but is not identical to that request.";
    // Emulator choices (no documented code found): a second default VPC of an account
    // (CreateDefaultVpc), a second default vSwitch of a zone (CreateDefaultVSwitch).
    DefaultVpcExists => Choice 400, "OperationFailed.DefaultVpcExist", "The default VPC already exists in this region.";
    DefaultVSwitchExists => Choice 400, "OperationFailed.DefaultVSwitchExist", "A default vSwitch already exists in the specified zone.";
    // Emulator choice: a body above the configured limit.
    RequestTooLarge => Choice 413, "InvalidParameter.LengthExceeded", "%s";
    // Emulator choice: a body that does not arrive within the read timeout.
    RequestTimeout => Choice 408, "RequestTimeout", "%s";
    // The gateway's code for an ACS3 request that leaves a header it must sign unsigned.
    IncompleteSignature => Gateway 400, "IncompleteSignature", "The request signature does not conform to Aliyun standards. %s";
    // The gateway's other common codes, which fault rules and rate limits answer with.
    Throttling => Gateway 400, "Throttling", "Request was denied due to request throttling.";
    ThrottlingUser => Gateway 400, "Throttling.User", "Request was denied due to user flow control.";
    ThrottlingApi => Gateway 400, "Throttling.Api", "Request was denied due to api flow control.";
    UnknownError => Gateway 500, "UnknownError", "The request processing has failed due to some unknown error.";
    ForbiddenRam => Gateway 403, "Forbidden.RAM", "User not authorized to operate on the specified resource, or this API doesn't support RAM.";
    AccessKeyInactive => Gateway 400, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.";
}

/// A failure as the service renders it: a wire code, its HTTP status and the message for this request.
///
/// Most errors come from a catalogue row; injected faults may carry any documented code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    code: Cow<'static, str>,
    status: u16,
    pub message: String,
}

impl ApiError {
    /// The documented message, with `%s` filled by `detail`.
    pub fn with_detail(kind: ErrorCode, detail: &str) -> Self {
        let message = kind.template().replace("%s", detail);
        ApiError {
            code: Cow::Borrowed(kind.code()),
            status: kind.status(),
            message,
        }
    }

    /// The documented message followed by the reason, for a code whose message has no place for one
    /// (a `ServiceUnavailable` caused by the state directory, say).
    pub fn with_reason(kind: ErrorCode, reason: &str) -> Self {
        let mut error = Self::new(kind);
        error.message = format!("{} {reason}", error.message);
        error
    }

    /// The documented message without a detail (a bare `%s` becomes the code).
    pub fn new(kind: ErrorCode) -> Self {
        let detail = if kind.template() == "%s" { kind.code() } else { "" };
        Self::with_detail(kind, detail)
    }

    /// A catalogue row's error; only the catalogue makes these, so every code a handler answers with
    /// is one the catalogue documents.
    fn documented(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        ApiError {
            code: Cow::Borrowed(code),
            status,
            message: message.into(),
        }
    }

    /// An error with a code, status and message a user chose: what a fault rule may ask for, even a
    /// code the catalogue does not document. Nothing else makes errors outside the catalogue.
    pub fn injected(code: impl Into<Cow<'static, str>>, status: u16, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            status,
            message: message.into(),
        }
    }

    pub fn missing(param: &str) -> Self {
        Self::with_detail(ErrorCode::MissingParameter, param)
    }

    /// `InvalidParameter` naming the parameter and why it was refused.
    pub fn invalid(param: &str, why: &str) -> Self {
        let detail = format!("The specified parameter \"{param}\" is not valid: {why}");
        Self::with_detail(ErrorCode::InvalidParameter, &detail)
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether this is the catalogue row `kind`.
    pub fn is(&self, kind: ErrorCode) -> bool {
        self.code == kind.code()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_row_has_a_unique_code_a_client_or_server_status_and_a_message() {
        let mut seen = HashSet::new();
        for kind in ErrorCode::ALL {
            assert!(seen.insert(kind.code()), "duplicate code {}", kind.code());
            assert!((400..600).contains(&kind.status()), "{:?}", kind);
            assert!(!kind.template().is_empty(), "{:?}", kind);
            let err = ApiError::new(*kind);
            assert!(!err.message.contains("%s"), "{:?}", kind);
        }
    }

    #[test]
    fn detail_fills_the_template() {
        let err = ApiError::missing("RegionId");
        assert_eq!(
            err.message,
            "The input parameter \"RegionId\" that is mandatory for processing this request is not supplied."
        );
        assert_eq!((err.code(), err.status()), ("MissingParameter", 400));
        let nf = ApiError::with_detail(ErrorCode::NotFound, "x");
        assert_eq!(
            (nf.code(), nf.status(), nf.message.as_str()),
            ("InvalidParameter.NotFound", 404, "x")
        );
    }
}
