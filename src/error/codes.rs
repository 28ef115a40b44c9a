//! The documented error codes as types, one enum per catalogue table, so a code that no operation
//! documents does not compile. Generated from the tables by `generate.rs`: do not edit; a test fails
//! when this file is stale, and `ECI_WRITE_CODES=1 cargo test --lib error::generate` writes it again.

/// A documented code: its wire spelling, and the status and message of the first operation that
/// documents it (what it answers with under an action that does not).
pub trait DocumentedCode: Copy {
    fn as_str(self) -> &'static str;
    fn status(self) -> u16;
    fn template(self) -> &'static str;
}

/// A code that ECI 2018-08-08's operations document (`catalogue.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EciCode {
    /// `Account.Arrearage`
    AccountArrearage,
    /// `CorePattern.UpdateFail`
    CorePatternUpdateFail,
    /// `Coredump.InvalidCorePatternType`
    CoredumpInvalidCorePatternType,
    /// `Coredump.RefrshIntervalTooShort`
    CoredumpRefrshIntervalTooShort,
    /// `Coredump.RegionNotSupport`
    CoredumpRegionNotSupport,
    /// `CreateServiceLinkedRole.Denied`
    CreateServiceLinkedRoleDenied,
    /// `DedicatedHostQuotaExceeded`
    DedicatedHostQuotaExceeded,
    /// `DiskNumber.LimitExceed`
    DiskNumberLimitExceed,
    /// `DiskVolume.NotInSameZone`
    DiskVolumeNotInSameZone,
    /// `DiskVolume.NotSupport`
    DiskVolumeNotSupport,
    /// `DryRun.Success`
    DryRunSuccess,
    /// `DryRunOperation`
    DryRunOperation,
    /// `EipAddressPoolIpNotEnough`
    EipAddressPoolIpNotEnough,
    /// `EipPayInsufficientBalance`
    EipPayInsufficientBalance,
    /// `EipPurchaseFlowControl`
    EipPurchaseFlowControl,
    /// `FeatureAccessRestricted`
    FeatureAccessRestricted,
    /// `FeatureBasedConstraintConflict`
    FeatureBasedConstraintConflict,
    /// `Forbidden.AccountClosed`
    ForbiddenAccountClosed,
    /// `Forbidden.OnlyForInvitedTest`
    ForbiddenOnlyForInvitedTest,
    /// `Forbidden.RiskControl`
    ForbiddenRiskControl,
    /// `Forbidden.SubUser`
    ForbiddenSubUser,
    /// `Forbidden.UserBussinessStatus`
    ForbiddenUserBussinessStatus,
    /// `Forbidden.UserNotRealNameAuthentication`
    ForbiddenUserNotRealNameAuthentication,
    /// `HighCpuMemConfigRequired`
    HighCpuMemConfigRequired,
    /// `ImageCache.IncorrectStatus`
    ImageCacheIncorrectStatus,
    /// `ImageCacheNotSupport`
    ImageCacheNotSupport,
    /// `ImageSnapshot.IncorrectStatus`
    ImageSnapshotIncorrectStatus,
    /// `ImageSnapshot.NotFound`
    ImageSnapshotNotFound,
    /// `ImageSnapshot.NotSupport`
    ImageSnapshotNotSupport,
    /// `IncorrectOperation`
    IncorrectOperation,
    /// `IncorrectStatus`
    IncorrectStatus,
    /// `IncorrectStatusDetail`
    IncorrectStatusDetail,
    /// `InstanceTypeNotMatchCpuArch`
    InstanceTypeNotMatchCpuArch,
    /// `InvalidAction`
    InvalidAction,
    /// `InvalidCorePatternValue`
    InvalidCorePatternValue,
    /// `InvalidDiskId.NotFound`
    InvalidDiskIdNotFound,
    /// `InvalidInstanceId.NotFound`
    InvalidInstanceIdNotFound,
    /// `InvalidInstanceTypeForEciBuy`
    InvalidInstanceTypeForEciBuy,
    /// `InvalidInstanceTypeForEciSpotDurationBuy`
    InvalidInstanceTypeForEciSpotDurationBuy,
    /// `InvalidOperation.KMS.InstanceTypeNotSupport`
    InvalidOperationKMSInstanceTypeNotSupport,
    /// `InvalidOperation.ResourceManagedByCloudProduct`
    InvalidOperationResourceManagedByCloudProduct,
    /// `InvalidParam.CpuOrMemorySpec`
    InvalidParamCpuOrMemorySpec,
    /// `InvalidParameter`
    InvalidParameter,
    /// `InvalidParameter.CPU.Memory`
    InvalidParameterCPUMemory,
    /// `InvalidParameter.DuplicatedName`
    InvalidParameterDuplicatedName,
    /// `InvalidParameter.DuplicatedVolumeName`
    InvalidParameterDuplicatedVolumeName,
    /// `InvalidParameter.Encrypted.KmsNotEnabled`
    InvalidParameterEncryptedKmsNotEnabled,
    /// `InvalidParameter.KMS.EncryptedIllegal`
    InvalidParameterKMSEncryptedIllegal,
    /// `InvalidParameter.KMS.KeyId.Forbidden`
    InvalidParameterKMSKeyIdForbidden,
    /// `InvalidParameter.KMS.KeyId.NotFound`
    InvalidParameterKMSKeyIdNotFound,
    /// `InvalidParameter.LengthExceeded`
    InvalidParameterLengthExceeded,
    /// `InvalidParameter.NotFound`
    InvalidParameterNotFound,
    /// `InvalidParameter.ValueExceeded`
    InvalidParameterValueExceeded,
    /// `InvalidPaymentMethod.InsufficientBalance`
    InvalidPaymentMethodInsufficientBalance,
    /// `InvalidSpotCpuMemorySpec`
    InvalidSpotCpuMemorySpec,
    /// `InvalidUser.PassRoleForbidden`
    InvalidUserPassRoleForbidden,
    /// `InvalidVSwitchId.IpNotEnough`
    InvalidVSwitchIdIpNotEnough,
    /// `InvalidVolumeType`
    InvalidVolumeType,
    /// `Ipv6AddressNotSupport`
    Ipv6AddressNotSupport,
    /// `Ipv6AddressNotSupportInstanceType`
    Ipv6AddressNotSupportInstanceType,
    /// `Ipv6AddressNotSupportVsw`
    Ipv6AddressNotSupportVsw,
    /// `JobInstanceBatchCreateNotSupport`
    JobInstanceBatchCreateNotSupport,
    /// `JobInstanceDiskNotSupport`
    JobInstanceDiskNotSupport,
    /// `JobInstanceEcsInstanceTypeNotSupport`
    JobInstanceEcsInstanceTypeNotSupport,
    /// `JobInstanceEipNotSupport`
    JobInstanceEipNotSupport,
    /// `JobInstanceFeatureNotMatch`
    JobInstanceFeatureNotMatch,
    /// `JobInstanceIPv6NotSupport`
    JobInstanceIPv6NotSupport,
    /// `JobInstanceImageCacheNotSupport`
    JobInstanceImageCacheNotSupport,
    /// `JobInstanceRamRoleNotSupport`
    JobInstanceRamRoleNotSupport,
    /// `JobInstanceRegionNotSupport`
    JobInstanceRegionNotSupport,
    /// `JobInstanceSpotNotSupport`
    JobInstanceSpotNotSupport,
    /// `LocalDiskAmountNotMatch`
    LocalDiskAmountNotMatch,
    /// `MissingParameter`
    MissingParameter,
    /// `NoNeedUpdate`
    NoNeedUpdate,
    /// `NoPermission`
    NoPermission,
    /// `NoPermission.Tag`
    NoPermissionTag,
    /// `NumberExceed.Tags`
    NumberExceedTags,
    /// `OperationConflict`
    OperationConflict,
    /// `OperationDenied.NoStock`
    OperationDeniedNoStock,
    /// `OperationDenied.SecurityGroupMisMatch`
    OperationDeniedSecurityGroupMisMatch,
    /// `OperationDenied.VswZoneMisMatch`
    OperationDeniedVswZoneMisMatch,
    /// `OperationFailed.RiskControl`
    OperationFailedRiskControl,
    /// `Ops.ExecuteTaskFail`
    OpsExecuteTaskFail,
    /// `Ops.InstanceNotSupport`
    OpsInstanceNotSupport,
    /// `Ops.IntervalTooShort`
    OpsIntervalTooShort,
    /// `Ops.OpsValueInvalid`
    OpsOpsValueInvalid,
    /// `Ops.RegionNotSupport`
    OpsRegionNotSupport,
    /// `Ops.TypeNotSupport`
    OpsTypeNotSupport,
    /// `Payfor.CreditPayInsufficientBalance`
    PayforCreditPayInsufficientBalance,
    /// `PrivateIpAddress.Already.InUse`
    PrivateIpAddressAlreadyInUse,
    /// `PrivatePoolInstanceSpotNotSupport`
    PrivatePoolInstanceSpotNotSupport,
    /// `QuotaExceeded`
    QuotaExceeded,
    /// `RamRole.NotSupport`
    RamRoleNotSupport,
    /// `RecommendEmpty.InstanceTypeFamilyNotMatched`
    RecommendEmptyInstanceTypeFamilyNotMatched,
    /// `SecurityRisk.3DVerification`
    SecurityRisk3DVerification,
    /// `ServiceNotEnabled`
    ServiceNotEnabled,
    /// `Spot.NotMatched`
    SpotNotMatched,
    /// `Tcpdump.InvalidValue`
    TcpdumpInvalidValue,
    /// `Throttling`
    Throttling,
    /// `Throttling.Vcpu.PerDay`
    ThrottlingVcpuPerDay,
    /// `TradeBidCommodityNotMatch`
    TradeBidCommodityNotMatch,
    /// `VirtualNode.DELETE.FAILED`
    VirtualNodeDELETEFAILED,
    /// `VnodeDedicatedHostIdAlreadyExist`
    VnodeDedicatedHostIdAlreadyExist,
    /// `Zone.NotOnSale`
    ZoneNotOnSale,
}

impl DocumentedCode for EciCode {
    fn as_str(self) -> &'static str {
        match self {
            EciCode::AccountArrearage => "Account.Arrearage",
            EciCode::CorePatternUpdateFail => "CorePattern.UpdateFail",
            EciCode::CoredumpInvalidCorePatternType => "Coredump.InvalidCorePatternType",
            EciCode::CoredumpRefrshIntervalTooShort => "Coredump.RefrshIntervalTooShort",
            EciCode::CoredumpRegionNotSupport => "Coredump.RegionNotSupport",
            EciCode::CreateServiceLinkedRoleDenied => "CreateServiceLinkedRole.Denied",
            EciCode::DedicatedHostQuotaExceeded => "DedicatedHostQuotaExceeded",
            EciCode::DiskNumberLimitExceed => "DiskNumber.LimitExceed",
            EciCode::DiskVolumeNotInSameZone => "DiskVolume.NotInSameZone",
            EciCode::DiskVolumeNotSupport => "DiskVolume.NotSupport",
            EciCode::DryRunSuccess => "DryRun.Success",
            EciCode::DryRunOperation => "DryRunOperation",
            EciCode::EipAddressPoolIpNotEnough => "EipAddressPoolIpNotEnough",
            EciCode::EipPayInsufficientBalance => "EipPayInsufficientBalance",
            EciCode::EipPurchaseFlowControl => "EipPurchaseFlowControl",
            EciCode::FeatureAccessRestricted => "FeatureAccessRestricted",
            EciCode::FeatureBasedConstraintConflict => "FeatureBasedConstraintConflict",
            EciCode::ForbiddenAccountClosed => "Forbidden.AccountClosed",
            EciCode::ForbiddenOnlyForInvitedTest => "Forbidden.OnlyForInvitedTest",
            EciCode::ForbiddenRiskControl => "Forbidden.RiskControl",
            EciCode::ForbiddenSubUser => "Forbidden.SubUser",
            EciCode::ForbiddenUserBussinessStatus => "Forbidden.UserBussinessStatus",
            EciCode::ForbiddenUserNotRealNameAuthentication => "Forbidden.UserNotRealNameAuthentication",
            EciCode::HighCpuMemConfigRequired => "HighCpuMemConfigRequired",
            EciCode::ImageCacheIncorrectStatus => "ImageCache.IncorrectStatus",
            EciCode::ImageCacheNotSupport => "ImageCacheNotSupport",
            EciCode::ImageSnapshotIncorrectStatus => "ImageSnapshot.IncorrectStatus",
            EciCode::ImageSnapshotNotFound => "ImageSnapshot.NotFound",
            EciCode::ImageSnapshotNotSupport => "ImageSnapshot.NotSupport",
            EciCode::IncorrectOperation => "IncorrectOperation",
            EciCode::IncorrectStatus => "IncorrectStatus",
            EciCode::IncorrectStatusDetail => "IncorrectStatusDetail",
            EciCode::InstanceTypeNotMatchCpuArch => "InstanceTypeNotMatchCpuArch",
            EciCode::InvalidAction => "InvalidAction",
            EciCode::InvalidCorePatternValue => "InvalidCorePatternValue",
            EciCode::InvalidDiskIdNotFound => "InvalidDiskId.NotFound",
            EciCode::InvalidInstanceIdNotFound => "InvalidInstanceId.NotFound",
            EciCode::InvalidInstanceTypeForEciBuy => "InvalidInstanceTypeForEciBuy",
            EciCode::InvalidInstanceTypeForEciSpotDurationBuy => "InvalidInstanceTypeForEciSpotDurationBuy",
            EciCode::InvalidOperationKMSInstanceTypeNotSupport => "InvalidOperation.KMS.InstanceTypeNotSupport",
            EciCode::InvalidOperationResourceManagedByCloudProduct => "InvalidOperation.ResourceManagedByCloudProduct",
            EciCode::InvalidParamCpuOrMemorySpec => "InvalidParam.CpuOrMemorySpec",
            EciCode::InvalidParameter => "InvalidParameter",
            EciCode::InvalidParameterCPUMemory => "InvalidParameter.CPU.Memory",
            EciCode::InvalidParameterDuplicatedName => "InvalidParameter.DuplicatedName",
            EciCode::InvalidParameterDuplicatedVolumeName => "InvalidParameter.DuplicatedVolumeName",
            EciCode::InvalidParameterEncryptedKmsNotEnabled => "InvalidParameter.Encrypted.KmsNotEnabled",
            EciCode::InvalidParameterKMSEncryptedIllegal => "InvalidParameter.KMS.EncryptedIllegal",
            EciCode::InvalidParameterKMSKeyIdForbidden => "InvalidParameter.KMS.KeyId.Forbidden",
            EciCode::InvalidParameterKMSKeyIdNotFound => "InvalidParameter.KMS.KeyId.NotFound",
            EciCode::InvalidParameterLengthExceeded => "InvalidParameter.LengthExceeded",
            EciCode::InvalidParameterNotFound => "InvalidParameter.NotFound",
            EciCode::InvalidParameterValueExceeded => "InvalidParameter.ValueExceeded",
            EciCode::InvalidPaymentMethodInsufficientBalance => "InvalidPaymentMethod.InsufficientBalance",
            EciCode::InvalidSpotCpuMemorySpec => "InvalidSpotCpuMemorySpec",
            EciCode::InvalidUserPassRoleForbidden => "InvalidUser.PassRoleForbidden",
            EciCode::InvalidVSwitchIdIpNotEnough => "InvalidVSwitchId.IpNotEnough",
            EciCode::InvalidVolumeType => "InvalidVolumeType",
            EciCode::Ipv6AddressNotSupport => "Ipv6AddressNotSupport",
            EciCode::Ipv6AddressNotSupportInstanceType => "Ipv6AddressNotSupportInstanceType",
            EciCode::Ipv6AddressNotSupportVsw => "Ipv6AddressNotSupportVsw",
            EciCode::JobInstanceBatchCreateNotSupport => "JobInstanceBatchCreateNotSupport",
            EciCode::JobInstanceDiskNotSupport => "JobInstanceDiskNotSupport",
            EciCode::JobInstanceEcsInstanceTypeNotSupport => "JobInstanceEcsInstanceTypeNotSupport",
            EciCode::JobInstanceEipNotSupport => "JobInstanceEipNotSupport",
            EciCode::JobInstanceFeatureNotMatch => "JobInstanceFeatureNotMatch",
            EciCode::JobInstanceIPv6NotSupport => "JobInstanceIPv6NotSupport",
            EciCode::JobInstanceImageCacheNotSupport => "JobInstanceImageCacheNotSupport",
            EciCode::JobInstanceRamRoleNotSupport => "JobInstanceRamRoleNotSupport",
            EciCode::JobInstanceRegionNotSupport => "JobInstanceRegionNotSupport",
            EciCode::JobInstanceSpotNotSupport => "JobInstanceSpotNotSupport",
            EciCode::LocalDiskAmountNotMatch => "LocalDiskAmountNotMatch",
            EciCode::MissingParameter => "MissingParameter",
            EciCode::NoNeedUpdate => "NoNeedUpdate",
            EciCode::NoPermission => "NoPermission",
            EciCode::NoPermissionTag => "NoPermission.Tag",
            EciCode::NumberExceedTags => "NumberExceed.Tags",
            EciCode::OperationConflict => "OperationConflict",
            EciCode::OperationDeniedNoStock => "OperationDenied.NoStock",
            EciCode::OperationDeniedSecurityGroupMisMatch => "OperationDenied.SecurityGroupMisMatch",
            EciCode::OperationDeniedVswZoneMisMatch => "OperationDenied.VswZoneMisMatch",
            EciCode::OperationFailedRiskControl => "OperationFailed.RiskControl",
            EciCode::OpsExecuteTaskFail => "Ops.ExecuteTaskFail",
            EciCode::OpsInstanceNotSupport => "Ops.InstanceNotSupport",
            EciCode::OpsIntervalTooShort => "Ops.IntervalTooShort",
            EciCode::OpsOpsValueInvalid => "Ops.OpsValueInvalid",
            EciCode::OpsRegionNotSupport => "Ops.RegionNotSupport",
            EciCode::OpsTypeNotSupport => "Ops.TypeNotSupport",
            EciCode::PayforCreditPayInsufficientBalance => "Payfor.CreditPayInsufficientBalance",
            EciCode::PrivateIpAddressAlreadyInUse => "PrivateIpAddress.Already.InUse",
            EciCode::PrivatePoolInstanceSpotNotSupport => "PrivatePoolInstanceSpotNotSupport",
            EciCode::QuotaExceeded => "QuotaExceeded",
            EciCode::RamRoleNotSupport => "RamRole.NotSupport",
            EciCode::RecommendEmptyInstanceTypeFamilyNotMatched => "RecommendEmpty.InstanceTypeFamilyNotMatched",
            EciCode::SecurityRisk3DVerification => "SecurityRisk.3DVerification",
            EciCode::ServiceNotEnabled => "ServiceNotEnabled",
            EciCode::SpotNotMatched => "Spot.NotMatched",
            EciCode::TcpdumpInvalidValue => "Tcpdump.InvalidValue",
            EciCode::Throttling => "Throttling",
            EciCode::ThrottlingVcpuPerDay => "Throttling.Vcpu.PerDay",
            EciCode::TradeBidCommodityNotMatch => "TradeBidCommodityNotMatch",
            EciCode::VirtualNodeDELETEFAILED => "VirtualNode.DELETE.FAILED",
            EciCode::VnodeDedicatedHostIdAlreadyExist => "VnodeDedicatedHostIdAlreadyExist",
            EciCode::ZoneNotOnSale => "Zone.NotOnSale",
        }
    }

    fn status(self) -> u16 {
        match self {
            EciCode::AccountArrearage => 400,
            EciCode::CorePatternUpdateFail => 400,
            EciCode::CoredumpInvalidCorePatternType => 400,
            EciCode::CoredumpRefrshIntervalTooShort => 400,
            EciCode::CoredumpRegionNotSupport => 400,
            EciCode::CreateServiceLinkedRoleDenied => 403,
            EciCode::DedicatedHostQuotaExceeded => 400,
            EciCode::DiskNumberLimitExceed => 400,
            EciCode::DiskVolumeNotInSameZone => 400,
            EciCode::DiskVolumeNotSupport => 400,
            EciCode::DryRunSuccess => 400,
            EciCode::DryRunOperation => 400,
            EciCode::EipAddressPoolIpNotEnough => 400,
            EciCode::EipPayInsufficientBalance => 400,
            EciCode::EipPurchaseFlowControl => 400,
            EciCode::FeatureAccessRestricted => 403,
            EciCode::FeatureBasedConstraintConflict => 400,
            EciCode::ForbiddenAccountClosed => 403,
            EciCode::ForbiddenOnlyForInvitedTest => 403,
            EciCode::ForbiddenRiskControl => 403,
            EciCode::ForbiddenSubUser => 403,
            EciCode::ForbiddenUserBussinessStatus => 403,
            EciCode::ForbiddenUserNotRealNameAuthentication => 403,
            EciCode::HighCpuMemConfigRequired => 400,
            EciCode::ImageCacheIncorrectStatus => 400,
            EciCode::ImageCacheNotSupport => 400,
            EciCode::ImageSnapshotIncorrectStatus => 400,
            EciCode::ImageSnapshotNotFound => 404,
            EciCode::ImageSnapshotNotSupport => 400,
            EciCode::IncorrectOperation => 400,
            EciCode::IncorrectStatus => 400,
            EciCode::IncorrectStatusDetail => 403,
            EciCode::InstanceTypeNotMatchCpuArch => 400,
            EciCode::InvalidAction => 403,
            EciCode::InvalidCorePatternValue => 400,
            EciCode::InvalidDiskIdNotFound => 404,
            EciCode::InvalidInstanceIdNotFound => 400,
            EciCode::InvalidInstanceTypeForEciBuy => 400,
            EciCode::InvalidInstanceTypeForEciSpotDurationBuy => 400,
            EciCode::InvalidOperationKMSInstanceTypeNotSupport => 400,
            EciCode::InvalidOperationResourceManagedByCloudProduct => 403,
            EciCode::InvalidParamCpuOrMemorySpec => 400,
            EciCode::InvalidParameter => 400,
            EciCode::InvalidParameterCPUMemory => 400,
            EciCode::InvalidParameterDuplicatedName => 400,
            EciCode::InvalidParameterDuplicatedVolumeName => 400,
            EciCode::InvalidParameterEncryptedKmsNotEnabled => 400,
            EciCode::InvalidParameterKMSEncryptedIllegal => 400,
            EciCode::InvalidParameterKMSKeyIdForbidden => 403,
            EciCode::InvalidParameterKMSKeyIdNotFound => 404,
            EciCode::InvalidParameterLengthExceeded => 400,
            EciCode::InvalidParameterNotFound => 404,
            EciCode::InvalidParameterValueExceeded => 400,
            EciCode::InvalidPaymentMethodInsufficientBalance => 400,
            EciCode::InvalidSpotCpuMemorySpec => 400,
            EciCode::InvalidUserPassRoleForbidden => 403,
            EciCode::InvalidVSwitchIdIpNotEnough => 403,
            EciCode::InvalidVolumeType => 403,
            EciCode::Ipv6AddressNotSupport => 400,
            EciCode::Ipv6AddressNotSupportInstanceType => 400,
            EciCode::Ipv6AddressNotSupportVsw => 400,
            EciCode::JobInstanceBatchCreateNotSupport => 400,
            EciCode::JobInstanceDiskNotSupport => 400,
            EciCode::JobInstanceEcsInstanceTypeNotSupport => 400,
            EciCode::JobInstanceEipNotSupport => 400,
            EciCode::JobInstanceFeatureNotMatch => 400,
            EciCode::JobInstanceIPv6NotSupport => 400,
            EciCode::JobInstanceImageCacheNotSupport => 400,
            EciCode::JobInstanceRamRoleNotSupport => 400,
            EciCode::JobInstanceRegionNotSupport => 400,
            EciCode::JobInstanceSpotNotSupport => 400,
            EciCode::LocalDiskAmountNotMatch => 400,
            EciCode::MissingParameter => 400,
            EciCode::NoNeedUpdate => 400,
            EciCode::NoPermission => 400,
            EciCode::NoPermissionTag => 400,
            EciCode::NumberExceedTags => 400,
            EciCode::OperationConflict => 400,
            EciCode::OperationDeniedNoStock => 403,
            EciCode::OperationDeniedSecurityGroupMisMatch => 403,
            EciCode::OperationDeniedVswZoneMisMatch => 403,
            EciCode::OperationFailedRiskControl => 400,
            EciCode::OpsExecuteTaskFail => 400,
            EciCode::OpsInstanceNotSupport => 400,
            EciCode::OpsIntervalTooShort => 400,
            EciCode::OpsOpsValueInvalid => 400,
            EciCode::OpsRegionNotSupport => 400,
            EciCode::OpsTypeNotSupport => 400,
            EciCode::PayforCreditPayInsufficientBalance => 400,
            EciCode::PrivateIpAddressAlreadyInUse => 400,
            EciCode::PrivatePoolInstanceSpotNotSupport => 400,
            EciCode::QuotaExceeded => 403,
            EciCode::RamRoleNotSupport => 400,
            EciCode::RecommendEmptyInstanceTypeFamilyNotMatched => 400,
            EciCode::SecurityRisk3DVerification => 403,
            EciCode::ServiceNotEnabled => 400,
            EciCode::SpotNotMatched => 403,
            EciCode::TcpdumpInvalidValue => 400,
            EciCode::Throttling => 400,
            EciCode::ThrottlingVcpuPerDay => 403,
            EciCode::TradeBidCommodityNotMatch => 400,
            EciCode::VirtualNodeDELETEFAILED => 400,
            EciCode::VnodeDedicatedHostIdAlreadyExist => 400,
            EciCode::ZoneNotOnSale => 403,
        }
    }

    fn template(self) -> &'static str {
        match self {
            EciCode::AccountArrearage => "Your account has an outstanding payment.",
            EciCode::CorePatternUpdateFail => "Update coredump settings fail, please try again later",
            EciCode::CoredumpInvalidCorePatternType => "%s",
            EciCode::CoredumpRefrshIntervalTooShort => "The time interval since last setting too short, please try again later.",
            EciCode::CoredumpRegionNotSupport => "%s",
            EciCode::CreateServiceLinkedRoleDenied => "Please make sure the account has ram:CreateServiceLinkedRole permission.",
            EciCode::DedicatedHostQuotaExceeded => "The quota of DedicatedHost is exceeded.",
            EciCode::DiskNumberLimitExceed => "The maximum number of disks in an instance is exceeded.",
            EciCode::DiskVolumeNotInSameZone => "The instance to be created and the disk are not in the same zone.",
            EciCode::DiskVolumeNotSupport => "The disk volume is not supported.",
            EciCode::DryRunSuccess => "This request is a dryrun request with successful result.",
            EciCode::DryRunOperation => "Request validation has been passed with DryRun flag set.",
            EciCode::EipAddressPoolIpNotEnough => "The ip address of specified PublicIpAddressPool is not enough.",
            EciCode::EipPayInsufficientBalance => "Your account does not have enough balance to purchase eip.",
            EciCode::EipPurchaseFlowControl => "Request was denied due to eip frequent purchase.",
            EciCode::FeatureAccessRestricted => "Access to this feature:[%s] is restricted. Please contact Alibaba Cloud ECI support to request access.",
            EciCode::FeatureBasedConstraintConflict => "A conflict occurs in specified feature constraints: [%s].",
            EciCode::ForbiddenAccountClosed => "The operation is forbidden. Your account has been closed.",
            EciCode::ForbiddenOnlyForInvitedTest => "Eci create action is only open to invited users during public beta.",
            EciCode::ForbiddenRiskControl => "This operation has been identified as an abnormal operation and cannot be processed.",
            EciCode::ForbiddenSubUser => "The specified action is not available for you.",
            EciCode::ForbiddenUserBussinessStatus => "This operation is not allowed, because you have overdue bills. Pay the overdue bill and try again.",
            EciCode::ForbiddenUserNotRealNameAuthentication => "This operation is not allowed, because you have not passed the real-name verification.",
            EciCode::HighCpuMemConfigRequired => "You need to apply to be added to the whitelist of the specified CPU and memory.",
            EciCode::ImageCacheIncorrectStatus => "%s",
            EciCode::ImageCacheNotSupport => "Image cache is not available for all users. If you want to enable this function, contact us.",
            EciCode::ImageSnapshotIncorrectStatus => "%s",
            EciCode::ImageSnapshotNotFound => "The specified snapshot does not exist.",
            EciCode::ImageSnapshotNotSupport => "%s",
            EciCode::IncorrectOperation => "%s",
            EciCode::IncorrectStatus => "%s",
            EciCode::IncorrectStatusDetail => "%s",
            EciCode::InstanceTypeNotMatchCpuArch => "%s.",
            EciCode::InvalidAction => "The specified action is invalid",
            EciCode::InvalidCorePatternValue => "%s",
            EciCode::InvalidDiskIdNotFound => "The specified disk does not exist.",
            EciCode::InvalidInstanceIdNotFound => "The specified instanceId does not exist",
            EciCode::InvalidInstanceTypeForEciBuy => "Sales of this current instance type is not supported in eci.",
            EciCode::InvalidInstanceTypeForEciSpotDurationBuy => "Current instance type does not support spot duration instance.",
            EciCode::InvalidOperationKMSInstanceTypeNotSupport => "The specified instance is invalid. Only I/O optimized instances support KMS key.",
            EciCode::InvalidOperationResourceManagedByCloudProduct => "The operation is forbidden. The security group has been managed by another cloud product.",
            EciCode::InvalidParamCpuOrMemorySpec => "The specified specification is invalid.",
            EciCode::InvalidParameter => "%s",
            EciCode::InvalidParameterCPUMemory => "The specified cpu and memory are not allowed",
            EciCode::InvalidParameterDuplicatedName => "The container group include containers with duplicate names.",
            EciCode::InvalidParameterDuplicatedVolumeName => "The container group includes volumes with duplicate names.",
            EciCode::InvalidParameterEncryptedKmsNotEnabled => "KMS must be enabled for encrypted disks.",
            EciCode::InvalidParameterKMSEncryptedIllegal => "After configuring the parameter KmsKeyId, you must enable encryption.",
            EciCode::InvalidParameterKMSKeyIdForbidden => "You are not authorized to access the specified KMSKeyId.",
            EciCode::InvalidParameterKMSKeyIdNotFound => "The specified KMSKeyId does not exist.",
            EciCode::InvalidParameterLengthExceeded => "%s",
            EciCode::InvalidParameterNotFound => "%s",
            EciCode::InvalidParameterValueExceeded => "%s",
            EciCode::InvalidPaymentMethodInsufficientBalance => "No payment method is specified for your account. We recommend that you add a payment method or add funds to the prepayment balance.",
            EciCode::InvalidSpotCpuMemorySpec => "The specified CPU and memory are not allowed. You must create spot ECI using standard ECS specifications for CPU and memory.",
            EciCode::InvalidUserPassRoleForbidden => "The RAM user is not authorized to assume a RAM role.",
            EciCode::InvalidVSwitchIdIpNotEnough => "The specified VSwitch does not have enough IP addresses.",
            EciCode::InvalidVolumeType => "The specified volumeName is invalid, only volume of cloud disk support capacity resize",
            EciCode::Ipv6AddressNotSupport => "Ipv6 is not supported in specified region.",
            EciCode::Ipv6AddressNotSupportInstanceType => "IPv6 is not supported for the specified instance type.",
            EciCode::Ipv6AddressNotSupportVsw => "IPv6 is not supported in the specified vSwitch.",
            EciCode::JobInstanceBatchCreateNotSupport => "ECI job instance not support batch create",
            EciCode::JobInstanceDiskNotSupport => "ECI job instance not support disk volume",
            EciCode::JobInstanceEcsInstanceTypeNotSupport => "Job-optimized elastic container instances cannot be created by specifying ECS instance types.",
            EciCode::JobInstanceEipNotSupport => "ECI job instance not support eip",
            EciCode::JobInstanceFeatureNotMatch => "ECI job instance feature not match",
            EciCode::JobInstanceIPv6NotSupport => "ECI job instance not support IPv6",
            EciCode::JobInstanceImageCacheNotSupport => "ECI job instance not support image cache",
            EciCode::JobInstanceRamRoleNotSupport => "ECI job instance not support ram role",
            EciCode::JobInstanceRegionNotSupport => "ECI job instance not support in this region",
            EciCode::JobInstanceSpotNotSupport => "ECI job instance not support spot",
            EciCode::LocalDiskAmountNotMatch => "The number of local volumes does not match the instance type.",
            EciCode::MissingParameter => "%s",
            EciCode::NoNeedUpdate => "There are no changes to be updated for current resource.",
            EciCode::NoPermission => "You are not authorized to use the \"Product on ECI\" feature.",
            EciCode::NoPermissionTag => "No permissions to operate tags.",
            EciCode::NumberExceedTags => "The length of tags exceeded limit: 20.",
            EciCode::OperationConflict => "Request was denied due to conflict with a previous request.",
            EciCode::OperationDeniedNoStock => "Sales of this resource are temporarily suspended in the specified zone. We recommend that you use the multi-zone creation function to avoid the risk of insufficient resource. For more information, see https://help.aliyun.com/document_detail/157290.html",
            EciCode::OperationDeniedSecurityGroupMisMatch => "The specified VSwitchId and SecurityGroupId are not in the same VPC.",
            EciCode::OperationDeniedVswZoneMisMatch => "The specified VSwitchId is not in the specified Zone.",
            EciCode::OperationFailedRiskControl => "%s.",
            EciCode::OpsExecuteTaskFail => "%s",
            EciCode::OpsInstanceNotSupport => "%s",
            EciCode::OpsIntervalTooShort => "The time interval since last setting too short, please try again later.",
            EciCode::OpsOpsValueInvalid => "Ops value check failed, please confirm by ops type and try again later.",
            EciCode::OpsRegionNotSupport => "%s",
            EciCode::OpsTypeNotSupport => "%s",
            EciCode::PayforCreditPayInsufficientBalance => "Your payment credit line is insufficient.",
            EciCode::PrivateIpAddressAlreadyInUse => "The specific PrivateIpAddress already in use.",
            EciCode::PrivatePoolInstanceSpotNotSupport => "Spot is not supported for PrivatePool.",
            EciCode::QuotaExceeded => "%s quota exceeded.",
            EciCode::RamRoleNotSupport => "The RAM role is not supported.",
            EciCode::RecommendEmptyInstanceTypeFamilyNotMatched => "The recommended instance type is unavailable in the current zone. Try again later.",
            EciCode::SecurityRisk3DVerification => "We have detected a security risk with your default credit or debit card. Please proceed with verification via the link in your email.",
            EciCode::ServiceNotEnabled => "%s",
            EciCode::SpotNotMatched => "%s. We recommend that you use the create multi-zone function to avoid insufficient inventory. For more information, see https://help.aliyun.com/document_detail/157290.html",
            EciCode::TcpdumpInvalidValue => "%s",
            EciCode::Throttling => "You have made too many requests within a short time; your request is denied due to request throttling",
            EciCode::ThrottlingVcpuPerDay => "The maximum number of request for the day has been exceeded.",
            EciCode::TradeBidCommodityNotMatch => "The trade ID and the commodity do not match.",
            EciCode::VirtualNodeDELETEFAILED => "The vnode has eci on it, please delete eci first.",
            EciCode::VnodeDedicatedHostIdAlreadyExist => "DedicatedHostId:%s of Vnode:%s already exists.",
            EciCode::ZoneNotOnSale => "The specified zone is not available for purchase.",
        }
    }
}

/// A code that the VPC 2016-04-28, ECS 2014-05-26, STS 2015-04-01 or Resource Manager 2020-03-31 operations document (`companions.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanionCode {
    /// `AuthorizationLimitExceed`
    AuthorizationLimitExceed,
    /// `DependencyViolation`
    DependencyViolation,
    /// `DependencyViolation.SecurityGroup`
    DependencyViolationSecurityGroup,
    /// `DependencyViolation.VSwitch`
    DependencyViolationVSwitch,
    /// `EntityNotExists.ResourceGroup`
    EntityNotExistsResourceGroup,
    /// `IncorrectEipStatus`
    IncorrectEipStatus,
    /// `IncorrectInstanceStatus`
    IncorrectInstanceStatus,
    /// `IncorrectVSwitchStatus`
    IncorrectVSwitchStatus,
    /// `IncorrectVpcStatus`
    IncorrectVpcStatus,
    /// `InvalidAllocationId.NotFound`
    InvalidAllocationIdNotFound,
    /// `InvalidBandwidth.Malformed`
    InvalidBandwidthMalformed,
    /// `InvalidCidrBlock.Malformed`
    InvalidCidrBlockMalformed,
    /// `InvalidCidrBlock.Overlapped`
    InvalidCidrBlockOverlapped,
    /// `InvalidDescription.Malformed`
    InvalidDescriptionMalformed,
    /// `InvalidDestCidrIp.Malformed`
    InvalidDestCidrIpMalformed,
    /// `InvalidInstanceId.NotFound`
    InvalidInstanceIdNotFound,
    /// `InvalidInternetChargeType.ValueNotSupported`
    InvalidInternetChargeTypeValueNotSupported,
    /// `InvalidIpProtocol.Malformed`
    InvalidIpProtocolMalformed,
    /// `InvalidPolicy.Malformed`
    InvalidPolicyMalformed,
    /// `InvalidPortRange.Malformed`
    InvalidPortRangeMalformed,
    /// `InvalidPriority.Malformed`
    InvalidPriorityMalformed,
    /// `InvalidResourceId.NotFound`
    InvalidResourceIdNotFound,
    /// `InvalidResourceType.NotFound`
    InvalidResourceTypeNotFound,
    /// `InvalidRouteTableId.NotFound`
    InvalidRouteTableIdNotFound,
    /// `InvalidSecurityGroupId.NotFound`
    InvalidSecurityGroupIdNotFound,
    /// `InvalidSourceCidrIp.Malformed`
    InvalidSourceCidrIpMalformed,
    /// `InvalidTagKey.Malformed`
    InvalidTagKeyMalformed,
    /// `InvalidVSwitchId.NotFound`
    InvalidVSwitchIdNotFound,
    /// `InvalidVSwitchName.Malformed`
    InvalidVSwitchNameMalformed,
    /// `InvalidVpcDiscription.Malformed`
    InvalidVpcDiscriptionMalformed,
    /// `InvalidVpcId.NotFound`
    InvalidVpcIdNotFound,
    /// `InvalidVpcName.Malformed`
    InvalidVpcNameMalformed,
    /// `InvalidZoneId.NotFound`
    InvalidZoneIdNotFound,
    /// `OperationDenied.DeletionProtection`
    OperationDeniedDeletionProtection,
    /// `QuotaExceed.SecurityGroup`
    QuotaExceedSecurityGroup,
    /// `QuotaExceeded.Eip`
    QuotaExceededEip,
    /// `QuotaExceeded.TagNum`
    QuotaExceededTagNum,
    /// `QuotaExceeded.VSwitch`
    QuotaExceededVSwitch,
    /// `QuotaExceeded.Vpc`
    QuotaExceededVpc,
}

impl DocumentedCode for CompanionCode {
    fn as_str(self) -> &'static str {
        match self {
            CompanionCode::AuthorizationLimitExceed => "AuthorizationLimitExceed",
            CompanionCode::DependencyViolation => "DependencyViolation",
            CompanionCode::DependencyViolationSecurityGroup => "DependencyViolation.SecurityGroup",
            CompanionCode::DependencyViolationVSwitch => "DependencyViolation.VSwitch",
            CompanionCode::EntityNotExistsResourceGroup => "EntityNotExists.ResourceGroup",
            CompanionCode::IncorrectEipStatus => "IncorrectEipStatus",
            CompanionCode::IncorrectInstanceStatus => "IncorrectInstanceStatus",
            CompanionCode::IncorrectVSwitchStatus => "IncorrectVSwitchStatus",
            CompanionCode::IncorrectVpcStatus => "IncorrectVpcStatus",
            CompanionCode::InvalidAllocationIdNotFound => "InvalidAllocationId.NotFound",
            CompanionCode::InvalidBandwidthMalformed => "InvalidBandwidth.Malformed",
            CompanionCode::InvalidCidrBlockMalformed => "InvalidCidrBlock.Malformed",
            CompanionCode::InvalidCidrBlockOverlapped => "InvalidCidrBlock.Overlapped",
            CompanionCode::InvalidDescriptionMalformed => "InvalidDescription.Malformed",
            CompanionCode::InvalidDestCidrIpMalformed => "InvalidDestCidrIp.Malformed",
            CompanionCode::InvalidInstanceIdNotFound => "InvalidInstanceId.NotFound",
            CompanionCode::InvalidInternetChargeTypeValueNotSupported => "InvalidInternetChargeType.ValueNotSupported",
            CompanionCode::InvalidIpProtocolMalformed => "InvalidIpProtocol.Malformed",
            CompanionCode::InvalidPolicyMalformed => "InvalidPolicy.Malformed",
            CompanionCode::InvalidPortRangeMalformed => "InvalidPortRange.Malformed",
            CompanionCode::InvalidPriorityMalformed => "InvalidPriority.Malformed",
            CompanionCode::InvalidResourceIdNotFound => "InvalidResourceId.NotFound",
            CompanionCode::InvalidResourceTypeNotFound => "InvalidResourceType.NotFound",
            CompanionCode::InvalidRouteTableIdNotFound => "InvalidRouteTableId.NotFound",
            CompanionCode::InvalidSecurityGroupIdNotFound => "InvalidSecurityGroupId.NotFound",
            CompanionCode::InvalidSourceCidrIpMalformed => "InvalidSourceCidrIp.Malformed",
            CompanionCode::InvalidTagKeyMalformed => "InvalidTagKey.Malformed",
            CompanionCode::InvalidVSwitchIdNotFound => "InvalidVSwitchId.NotFound",
            CompanionCode::InvalidVSwitchNameMalformed => "InvalidVSwitchName.Malformed",
            CompanionCode::InvalidVpcDiscriptionMalformed => "InvalidVpcDiscription.Malformed",
            CompanionCode::InvalidVpcIdNotFound => "InvalidVpcId.NotFound",
            CompanionCode::InvalidVpcNameMalformed => "InvalidVpcName.Malformed",
            CompanionCode::InvalidZoneIdNotFound => "InvalidZoneId.NotFound",
            CompanionCode::OperationDeniedDeletionProtection => "OperationDenied.DeletionProtection",
            CompanionCode::QuotaExceedSecurityGroup => "QuotaExceed.SecurityGroup",
            CompanionCode::QuotaExceededEip => "QuotaExceeded.Eip",
            CompanionCode::QuotaExceededTagNum => "QuotaExceeded.TagNum",
            CompanionCode::QuotaExceededVSwitch => "QuotaExceeded.VSwitch",
            CompanionCode::QuotaExceededVpc => "QuotaExceeded.Vpc",
        }
    }

    fn status(self) -> u16 {
        match self {
            CompanionCode::AuthorizationLimitExceed => 403,
            CompanionCode::DependencyViolation => 400,
            CompanionCode::DependencyViolationSecurityGroup => 400,
            CompanionCode::DependencyViolationVSwitch => 400,
            CompanionCode::EntityNotExistsResourceGroup => 404,
            CompanionCode::IncorrectEipStatus => 400,
            CompanionCode::IncorrectInstanceStatus => 400,
            CompanionCode::IncorrectVSwitchStatus => 400,
            CompanionCode::IncorrectVpcStatus => 400,
            CompanionCode::InvalidAllocationIdNotFound => 404,
            CompanionCode::InvalidBandwidthMalformed => 400,
            CompanionCode::InvalidCidrBlockMalformed => 400,
            CompanionCode::InvalidCidrBlockOverlapped => 400,
            CompanionCode::InvalidDescriptionMalformed => 400,
            CompanionCode::InvalidDestCidrIpMalformed => 400,
            CompanionCode::InvalidInstanceIdNotFound => 404,
            CompanionCode::InvalidInternetChargeTypeValueNotSupported => 400,
            CompanionCode::InvalidIpProtocolMalformed => 400,
            CompanionCode::InvalidPolicyMalformed => 400,
            CompanionCode::InvalidPortRangeMalformed => 400,
            CompanionCode::InvalidPriorityMalformed => 400,
            CompanionCode::InvalidResourceIdNotFound => 404,
            CompanionCode::InvalidResourceTypeNotFound => 400,
            CompanionCode::InvalidRouteTableIdNotFound => 404,
            CompanionCode::InvalidSecurityGroupIdNotFound => 404,
            CompanionCode::InvalidSourceCidrIpMalformed => 400,
            CompanionCode::InvalidTagKeyMalformed => 400,
            CompanionCode::InvalidVSwitchIdNotFound => 404,
            CompanionCode::InvalidVSwitchNameMalformed => 400,
            CompanionCode::InvalidVpcDiscriptionMalformed => 400,
            CompanionCode::InvalidVpcIdNotFound => 404,
            CompanionCode::InvalidVpcNameMalformed => 400,
            CompanionCode::InvalidZoneIdNotFound => 404,
            CompanionCode::OperationDeniedDeletionProtection => 400,
            CompanionCode::QuotaExceedSecurityGroup => 403,
            CompanionCode::QuotaExceededEip => 400,
            CompanionCode::QuotaExceededTagNum => 400,
            CompanionCode::QuotaExceededVSwitch => 400,
            CompanionCode::QuotaExceededVpc => 400,
        }
    }

    fn template(self) -> &'static str {
        match self {
            CompanionCode::AuthorizationLimitExceed => "The limit of authorization records in the security group reaches.",
            CompanionCode::DependencyViolation => "Specified object has dependent resources.",
            CompanionCode::DependencyViolationSecurityGroup => "Specified object has dependent resources SecurityGroup.",
            CompanionCode::DependencyViolationVSwitch => "Specified object has dependent resources.",
            CompanionCode::EntityNotExistsResourceGroup => "The resource group does not exist.",
            CompanionCode::IncorrectEipStatus => "Current elastic IP status does not support this operation.",
            CompanionCode::IncorrectInstanceStatus => "The current status of the resource does not support this operation.",
            CompanionCode::IncorrectVSwitchStatus => "vpc subnet status not working.",
            CompanionCode::IncorrectVpcStatus => "Current VPC status does not support this operation.",
            CompanionCode::InvalidAllocationIdNotFound => "Specified allocation ID is not found.",
            CompanionCode::InvalidBandwidthMalformed => "Specified bandwidth is not valid.",
            CompanionCode::InvalidCidrBlockMalformed => "Specified CIDR block is not valid.",
            CompanionCode::InvalidCidrBlockOverlapped => "Specified CIDR block overlapped with other subnets.",
            CompanionCode::InvalidDescriptionMalformed => "Invalid description.",
            CompanionCode::InvalidDestCidrIpMalformed => "The specified parameter DestCidrIp is not valid.",
            CompanionCode::InvalidInstanceIdNotFound => "Specified instance does not exist.",
            CompanionCode::InvalidInternetChargeTypeValueNotSupported => "Specified value of InternetChargeType is not supported.",
            CompanionCode::InvalidIpProtocolMalformed => "The specified parameter IpProtocol is not valid.",
            CompanionCode::InvalidPolicyMalformed => "The specified parameter Policy is not valid.",
            CompanionCode::InvalidPortRangeMalformed => "The specified parameter PortRange is not valid.",
            CompanionCode::InvalidPriorityMalformed => "The specified parameter Priority is not valid.",
            CompanionCode::InvalidResourceIdNotFound => "The specified resource is not found.",
            CompanionCode::InvalidResourceTypeNotFound => "The specified resource type is not found.",
            CompanionCode::InvalidRouteTableIdNotFound => "Specified route table does not exist.",
            CompanionCode::InvalidSecurityGroupIdNotFound => "The specified SecurityGroupId does not exist.",
            CompanionCode::InvalidSourceCidrIpMalformed => "The specified parameter SourceCidrIp is not valid.",
            CompanionCode::InvalidTagKeyMalformed => "The specified tag key is not valid.",
            CompanionCode::InvalidVSwitchIdNotFound => "Specified virtual switch does not exist.",
            CompanionCode::InvalidVSwitchNameMalformed => "Specified virtual switch name is not valid.",
            CompanionCode::InvalidVpcDiscriptionMalformed => "Specified VPC description is not valid.",
            CompanionCode::InvalidVpcIdNotFound => "Specified VPC does not exist.",
            CompanionCode::InvalidVpcNameMalformed => "Specified VPC name is not valid.",
            CompanionCode::InvalidZoneIdNotFound => "Specified zone does not exist.",
            CompanionCode::OperationDeniedDeletionProtection => "The EIP has deletion protection enabled and cannot be released.",
            CompanionCode::QuotaExceedSecurityGroup => "The maximum number of security groups is reached.",
            CompanionCode::QuotaExceededEip => "Elastic IP address quota exceeded.",
            CompanionCode::QuotaExceededTagNum => "The number of tags on the resource exceeds the quota.",
            CompanionCode::QuotaExceededVSwitch => "Virtual switch quota exceeded.",
            CompanionCode::QuotaExceededVpc => "VPC quota exceeded.",
        }
    }
}
