//! The one API error type and the catalogue that maps each error code to its wire code, HTTP status and message.

use std::borrow::Cow;
use std::fmt;

/// Declares the error catalogue: one row per code, read by `code()`, `status()` and `template()`.
macro_rules! error_catalogue {
    ($($variant:ident => $status:literal, $code:literal, $template:literal;)*) => {
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
        }
    };
}

error_catalogue! {
    // Gateway-level codes shared by every RPC product (notes §6.6).
    MissingParameter => 400, "MissingParameter", "The input parameter \"%s\" that is mandatory for processing this request is not supplied.";
    InvalidParameter => 400, "InvalidParameter", "%s";
    InvalidAction => 404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.";
    InvalidVersion => 400, "InvalidVersion", "Specified parameter Version is not valid.";
    // The gateway appends its string to sign; aliyun-python-sdk-core compares it with its own to tell a
    // wrong secret (`InvalidAccessKeySecret`) from a signing bug.
    SignatureDoesNotMatch => 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:%s";
    SignatureNonceUsed => 400, "SignatureNonceUsed", "Specified signature nonce was used already.";
    TimestampExpired => 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.";
    TimestampFormat => 400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.";
    AccessKeyNotFound => 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.";
    UnsupportedSignatureMethod => 400, "InvalidSignatureMethod", "Specified signature method is not supported.";
    ServiceUnavailable => 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.";
    InternalError => 500, "InternalError", "The request processing has failed due to some unknown error, exception or failure.";
    // Emulator choice (undocumented for ECI): the code ECS and VPC answer for an unknown region.
    InvalidRegionId => 400, "InvalidRegionId", "The specified region does not exist.";
    // ECI product-wide and CreateContainerGroup codes (notes §6.1, §6.5).
    NotFound => 404, "InvalidParameter.NotFound", "%s";
    DuplicatedName => 400, "InvalidParameter.DuplicatedName", "The container group include containers with duplicate names.";
    DuplicatedVolumeName => 400, "InvalidParameter.DuplicatedVolumeName", "The container group includes volumes with duplicate names.";
    ZoneNotOnSale => 403, "Zone.NotOnSale", "The specified zone is not available for purchase.";
    VswZoneMisMatch => 403, "OperationDenied.VswZoneMisMatch", "The specified VSwitchId is not in the specified Zone.";
    IpNotEnough => 403, "InvalidVSwitchId.IpNotEnough", "The specified VSwitch does not have enough IP addresses.";
    SecurityGroupMisMatch => 403, "OperationDenied.SecurityGroupMisMatch", "The specified VSwitchId and SecurityGroupId are not in the same VPC.";
    PrivateIpInUse => 400, "PrivateIpAddress.Already.InUse", "The specific PrivateIpAddress already in use.";
    // Emulator choices with --strict-network, ECS's and VPC's codes for unknown ids.
    VSwitchNotFound => 404, "InvalidVSwitchId.NotFound", "The specified VSwitchId does not exist.";
    SecurityGroupNotFound => 404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.";
    // Emulator choices (undocumented for ECI): an unknown EIP, and one already bound (ECS's code).
    EipNotFound => 404, "InvalidEipInstanceId.NotFound", "The specified EipInstanceId does not exist.";
    IncorrectEipStatus => 400, "IncorrectEipStatus", "The current status of the EIP does not support this operation.";
    DiskNotFound => 404, "InvalidDiskId.NotFound", "The specified disk does not exist.";
    DiskNotInSameZone => 400, "DiskVolume.NotInSameZone", "The instance to be created and the disk are not in the same zone.";
    ImageSnapshotNotFound => 404, "ImageSnapshot.NotFound", "The specified snapshot does not exist.";
    QuotaExceeded => 403, "QuotaExceeded", "%s quota exceeded.";
    AccountArrearage => 400, "Account.Arrearage", "Your account has an outstanding payment.";
    UserNotRealName => 403, "Forbidden.UserNotRealNameAuthentication", "This operation is not allowed, because you have not passed the real-name verification.";
    AccountClosed => 403, "Forbidden.AccountClosed", "The operation is forbidden. Your account has been closed.";
    InsufficientBalance => 400, "InvalidPaymentMethod.InsufficientBalance", "No payment method is specified for your account. We recommend that you add a payment method or add funds to the prepayment balance.";
    RamRoleNotSupport => 400, "RamRole.NotSupport", "The RAM role is not supported.";
    PassRoleForbidden => 403, "InvalidUser.PassRoleForbidden", "The RAM user is not authorized to assume a RAM role.";
    IncorrectStatus => 400, "IncorrectStatus", "%s";
    InvalidCpuMemory => 400, "InvalidParameter.CPU.Memory", "The specified cpu and memory are not allowed";
    HighCpuMemConfigRequired => 400, "HighCpuMemConfigRequired", "You need to apply to be added to the whitelist of the specified CPU and memory.";
    InvalidSpotCpuMemorySpec => 400, "InvalidSpotCpuMemorySpec", "The specified CPU and memory are not allowed. You must create spot ECI using standard ECS specifications for CPU and memory.";
    DryRunOperation => 400, "DryRunOperation", "Request validation has been passed with DryRun flag set.";
    // Emulator choice: ECS's code for a ClientToken reused with different parameters.
    IdempotentParameterMismatch => 400, "IdempotentParameterMismatch", "Request uses a client token in a previous request but is not identical to that request.";
    // Emulator choice: a body above the configured limit.
    RequestTooLarge => 413, "InvalidParameter.LengthExceeded", "%s";
    // Emulator choice: a body that does not arrive within the read timeout.
    RequestTimeout => 408, "RequestTimeout", "%s";
    // The gateway's code for an ACS3 request that leaves a header it must sign unsigned.
    IncompleteSignature => 400, "IncompleteSignature", "The request signature does not conform to Aliyun standards. %s";
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

    /// The documented message without a detail (a bare `%s` becomes the code).
    pub fn new(kind: ErrorCode) -> Self {
        let detail = if kind.template() == "%s" { kind.code() } else { "" };
        Self::with_detail(kind, detail)
    }

    /// An error of any code, status and message: what a fault rule asks for.
    pub fn custom(code: impl Into<Cow<'static, str>>, status: u16, message: impl Into<String>) -> Self {
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
