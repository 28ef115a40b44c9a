//! The container-group operations as functions of typed input on the store.

use super::dto::{
    ContainerSpec, CreateContainerGroupRequest, CreateContainerGroupResponse, DeleteContainerGroupRequest,
    DescribeContainerGroupStatusExtras, DescribeContainerGroupsExtras, GroupFilter, ListUsageRequest,
};
use super::model::{index, ContainerGroup};
use super::sizing::{self, Size, SizeRequest, DEFAULT_SIZE};
use super::spot;
use super::stock::Stock;
use super::{rules, view};
use crate::error::{ApiError, ErrorCode};
use crate::faults::rule::RuleSpec;
use crate::faults::tag;
use crate::lifecycle::machine::{Life, Policy, RestartPolicy, Shape, Trigger};
use crate::lifecycle::tags::GroupSettings;
use crate::lifecycle::{self, GroupStatus};
use crate::network::EipChoice;
use crate::network::{self, Making, Placement, PlacementRequest, RegionInfo, RegionNetwork};
use crate::ops::eci::image_cache;
use crate::ops::eci::rendered::ItemShape;
use crate::ops::{Ctx, RegionState};
use crate::protocol::JsonBody;
use crate::store::paging;
use crate::store::{IndexKey, Page, Stamped};
use parking_lot::RwLock;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::Ipv4Addr;
use std::sync::Arc;

pub fn create(ctx: &Ctx<'_>, mut req: CreateContainerGroupRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    req.tags = crate::ops::eci::tags::one_per_key(&req.tags);
    rules::check_create(&req)?;
    // A group that names no resource group is in the account's default one, as the service places it.
    if req.resource_group_id.as_deref().is_none_or(str::is_empty) {
        req.resource_group_id = Some(crate::accounts::default_group_id(&ctx.caller.account).into());
    }
    let fault_rules = fault_tag_rules(ctx, &req)?;
    let policy = group_policy(ctx, &req)?;
    let account = ctx.eci.accounts.get(&ctx.caller.access_key_id);
    account.check_may_create(req.ram_role_name.as_deref())?;
    let size = granted_size(&req, account.cpu_mem_whitelist)?;
    let mut vswitch_ids = rules::vswitch_ids(&req);
    if req.schedule_strategy.as_deref() == Some("VSwitchRandom") {
        ctx.eci.ids.shuffle(&mut vswitch_ids);
    }
    let placement_request = PlacementRequest {
        zone_id: req.zone_id.as_deref(),
        vswitch_ids,
        security_group_id: req.security_group_id.as_deref(),
        private_ip: req.private_ip_address.as_deref().and_then(|ip| ip.parse().ok()),
        account: Some(&ctx.caller.account),
        making: Some(Making {
            ids: &ctx.eci.ids,
            now: ctx.eci.clock.now(),
        }),
    };
    // Groups gone by the clock, in any account, give their addresses, EIPs and quota back first;
    // other groups' progress does not change this answer and is left to the next call that shows it.
    ctx.eci.settle_region(&region.region_id, ctx.faults.engine());
    let partition = ctx.partition_as_is(region);
    let mut state = partition.write();
    let token = req.client_token.as_deref().filter(|t| !t.is_empty());
    let fingerprint = token.map(|_| fingerprint(&req)).unwrap_or_default();
    if let Some(token) = token {
        if let Some((id, previous)) = state.create_tokens.get(token) {
            return if *previous == fingerprint {
                to_body(CreateContainerGroupResponse {
                    container_group_id: id.clone(),
                })
            } else {
                Err(ApiError::new(ErrorCode::IdempotentParameterMismatch))
            };
        }
    }
    account.check_quota(state.groups.len(), state.used_cpu, size.cpu)?;
    let now = ctx.eci.clock.now();
    let snapshot = req.image_snapshot_id.as_deref().filter(|s| !s.is_empty());
    let images = req
        .containers
        .iter()
        .chain(&req.init_containers)
        .map(|c| c.image.as_str());
    let cache_hit = image_cache::pick_for_group(
        &mut state,
        snapshot,
        req.auto_match_image_cache == Some(true),
        images,
        now,
    )?;
    let id = ctx
        .eci
        .ids
        .unused_resource_id("eci", &region.id_code, |id| state.groups.get(id).is_some())
        .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
    let mut stock = Stock::new(ctx.eci, &req, size, now);
    let (placement, eip, ipv6) = {
        let network = ctx.eci.network(region);
        let mut net = network.lock();
        // What the placement registered on first use goes again if anything after it fails.
        net.registering(|net| {
            let placed = Placed {
                group_id: &id,
                cache_hit: cache_hit.is_some(),
                stock: &mut stock,
            };
            let (placement, eip) = attach_network(net, &req, &placement_request, placed, ctx)?;
            let ipv6 = match req.ipv6_address_count.is_some_and(|n| n > 0) {
                false => None,
                true => match net.ipv6_of(&placement) {
                    Some(address) => Some(address),
                    None => {
                        net.detach(&placement, eip.as_ref().map(|(e, _)| e.as_str()));
                        let why = format!("vSwitch {} has no IPv6 CIDR block", placement.vswitch_id);
                        return Err(ApiError::invalid("Ipv6AddressCount", &why));
                    }
                },
            };
            Ok((placement, eip, ipv6))
        })?
    };
    if let Some(chosen) = stock.instance_type() {
        req.instance_type = Some(chosen.into());
    }
    stock.keep();
    let (policy, shape) = policy;
    let mut life = Life::new(policy, shape_of(&req, shape, &id), now);
    if cache_hit.is_some() {
        life.record_image_cache_hit(now);
    }
    let mut group = ContainerGroup {
        life,
        id: id.clone(),
        placement,
        eip,
        ipv6,
        cpu: size.cpu,
        memory: size.memory,
        created_at: now,
        scripts: None,
        spec: req,
    };
    let plan = spot::release_plan(ctx.eci, &group, now);
    group.life.plan_spot_release(plan);
    if let Some(token) = group.spec.client_token.clone().filter(|t| !t.is_empty()) {
        state.create_tokens.insert(token.into(), (id.clone(), fingerprint), now);
    }
    state.add_group(group);
    if !fault_rules.is_empty() {
        if let Err(e) = ctx.faults.engine().add_group_rules(&id, fault_rules) {
            tracing::error!(group = %id, "fault tags checked at create no longer compile: {e}");
        }
    }
    to_body(CreateContainerGroupResponse { container_group_id: id })
}

/// The group's progression: the emulator's policy, overridden by its lifecycle tags.
fn group_policy(ctx: &Ctx<'_>, req: &CreateContainerGroupRequest) -> Result<(Policy, GroupSettings), ApiError> {
    let tags = req
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_deref().unwrap_or_default()));
    let settings = lifecycle::tags::settings(tags)
        .map_err(|(position, why)| ApiError::invalid(&format!("Tag.{position}"), &why))?;
    let mut policy = ctx.eci.lifecycle;
    if let Some(kind) = settings.policy {
        policy.kind = kind;
    }
    if let Some(n) = settings.describes_per_step {
        policy.describes_per_step = n;
    }
    Ok((policy, settings))
}

fn shape_of(req: &CreateContainerGroupRequest, settings: GroupSettings, id: &str) -> Shape {
    let count = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    let mut hasher = DefaultHasher::new();
    id.hash(&mut hasher);
    Shape {
        init_containers: count(req.init_containers.len()),
        containers: count(req.containers.len()),
        restart_policy: RestartPolicy::parse(req.restart_policy.as_deref()),
        active_deadline_seconds: req
            .active_deadline_seconds
            .and_then(|s| u32::try_from(s).ok())
            .filter(|s| *s > 0),
        exit: settings.exit,
        schedule_fails: settings.schedule_fails,
        pre_stop: (req.init_containers.len()..)
            .zip(&req.containers)
            .filter(|(_, c)| has_pre_stop(c))
            .filter_map(|(i, _)| u16::try_from(i).ok())
            .collect(),
        no_grace: req.termination_grace_period_seconds == Some(0),
        jitter_seed: hasher.finish(),
    }
}

fn has_pre_stop(container: &ContainerSpec) -> bool {
    !container.lifecycle_pre_stop_handler_exec.is_empty()
        || container.lifecycle_pre_stop_handler_http_get_port.is_some()
        || container.lifecycle_pre_stop_handler_http_get_path.is_some()
}

/// The fault rules the group's reserved tags ask for; a tag that cannot be a rule is refused, naming it.
fn fault_tag_rules(ctx: &Ctx<'_>, req: &CreateContainerGroupRequest) -> Result<Vec<RuleSpec>, ApiError> {
    let mut specs = Vec::new();
    for (index, tag) in req.tags.iter().enumerate() {
        let value = tag.value.as_deref().unwrap_or_default();
        let Some(parsed) = tag::rule_from_tag(&tag.key, value) else {
            continue;
        };
        let spec = parsed
            .and_then(|spec| ctx.faults.engine().check(&spec).map(|()| spec))
            .map_err(|why| ApiError::invalid(&format!("Tag.{}", index + 1), &why))?;
        specs.push(spec);
    }
    Ok(specs)
}

/// The size granted: the request rounded up to a supported spec, or, with `InstanceType`, what was
/// asked (the ECS type table is not modelled).
fn granted_size(req: &CreateContainerGroupRequest, whitelisted: bool) -> Result<Size, ApiError> {
    let sum = |field: fn(&ContainerSpec) -> Option<f64>| {
        let total: f64 = req.containers.iter().filter_map(field).sum();
        (total > 0.0).then_some(total)
    };
    let cpu = req.cpu.filter(|c| *c > 0.0).or_else(|| sum(|c| c.cpu));
    let memory = req.memory.filter(|m| *m > 0.0).or_else(|| sum(|c| c.memory));
    if req.instance_type.as_deref().is_some_and(|t| !t.is_empty()) {
        return Ok(Size {
            cpu: cpu.unwrap_or(DEFAULT_SIZE.cpu),
            memory: memory.unwrap_or(DEFAULT_SIZE.memory),
        });
    }
    sizing::grant(&SizeRequest {
        region_id: &req.region_id,
        cpu,
        memory,
        spot: req.is_spot(),
        whitelisted,
    })
}

/// Checks the resources the group names, places it and binds its EIP; on any failure nothing is
/// kept. A dry run places and gives back, and answers `DryRunOperation`; it runs inside
/// `RegionNetwork::registering`, which takes back what it registered.
/// What a create brings to its placement besides the request: its id, whether an image cache
/// serves it, and the room it takes in the zone it lands in.
struct Placed<'p, 's> {
    group_id: &'p str,
    cache_hit: bool,
    stock: &'p mut Stock<'s>,
}

fn attach_network(
    net: &mut RegionNetwork,
    req: &CreateContainerGroupRequest,
    placement_request: &PlacementRequest<'_>,
    placed: Placed<'_, '_>,
    ctx: &Ctx<'_>,
) -> Result<(Placement, Option<(String, Ipv4Addr)>), ApiError> {
    let Placed {
        group_id,
        cache_hit,
        stock,
    } = placed;
    let mut zone_open = |zone: &str| {
        ctx.faults.zone_open(zone)?;
        stock.take_in(zone)
    };
    let disks = disks_of(req, net)?;
    if let Some(snapshot) = req.image_snapshot_id.as_deref().filter(|s| !s.is_empty() && !cache_hit) {
        if !net.has_image_cache(snapshot) {
            return Err(ApiError::new(ErrorCode::ImageSnapshotNotFound));
        }
    }
    let eip_id = req.eip_instance_id.as_deref().filter(|e| !e.is_empty());
    if let Some(eip) = eip_id {
        net.check_eip(eip, Some(&ctx.caller.account))?;
    }
    let mut request = PlacementRequest {
        vswitch_ids: placement_request.vswitch_ids.clone(),
        ..*placement_request
    };
    if request.zone_id.is_none() && request.vswitch_ids.is_empty() {
        // With no zone asked for, the group goes where its disks are.
        request.zone_id = disks.first().map(|d| d.as_str());
    }
    let strict = ctx.eci.strict_network;
    if req.dry_run == Some(true) {
        // Placed and given back at once; the refusal makes `registering` take back whatever the
        // placement registered, so the network is as it was without a copy of it.
        let placement = net.place_in_open_zones(&request, strict, &mut zone_open)?;
        net.withdraw(&placement, request.private_ip.is_some());
        return Err(ApiError::new(ErrorCode::DryRunOperation));
    }
    let placement = net.place_in_open_zones(&request, strict, &mut zone_open)?;
    if disks.iter().any(|zone| *zone != placement.zone_id) {
        net.give_back(&placement);
        return Err(ApiError::new(ErrorCode::DiskNotInSameZone));
    }
    let choice = EipChoice::from_request(eip_id, req.auto_create_eip == Some(true));
    let eip = net.attach_eip(&placement, choice, group_id, &ctx.eci.ids, Some(&ctx.caller.account))?;
    Ok((placement, eip))
}

/// The zones of the disks the group mounts (`DiskVolume.DiskId`, or a disk FlexVolume's `volumeId`).
fn disks_of(req: &CreateContainerGroupRequest, net: &RegionNetwork) -> Result<Vec<String>, ApiError> {
    let mut zones = Vec::new();
    for volume in &req.volumes {
        let disk_id = match volume.volume_type.as_deref() {
            Some("DiskVolume") => volume
                .disk_volume
                .as_ref()
                .and_then(|d| d.disk_id.as_deref().map(str::to_owned)),
            Some("FlexVolume") => volume
                .flex_volume
                .as_ref()
                .filter(|f| f.driver.as_deref() == Some("alicloud/disk"))
                .and_then(|f| f.options.as_deref())
                .and_then(|o| serde_json::from_str::<Value>(o).ok())
                .and_then(|o| o.get("volumeId").and_then(Value::as_str).map(str::to_owned)),
            _ => None,
        };
        if let Some(disk_id) = disk_id {
            let disk = net
                .disk(&disk_id)
                .ok_or_else(|| ApiError::new(ErrorCode::DiskNotFound))?;
            zones.push(disk.zone_id.clone());
        }
    }
    Ok(zones)
}

fn to_body<T: serde::Serialize>(body: T) -> Result<JsonBody, ApiError> {
    JsonBody::of(&body)
}

/// Identifies a create's parameters, `ClientToken` and `DryRun` aside, for idempotency.
fn fingerprint(req: &CreateContainerGroupRequest) -> u64 {
    let mut comparable = req.clone();
    comparable.client_token = None;
    comparable.dry_run = None;
    let mut hasher = DefaultHasher::new();
    serde_json::to_string(&comparable).unwrap_or_default().hash(&mut hasher);
    hasher.finish()
}

pub fn describe(
    ctx: &Ctx<'_>,
    filter: GroupFilter,
    extras: DescribeContainerGroupsExtras,
) -> Result<JsonBody, ApiError> {
    let limit = rules::describe_limit(filter.limit)?;
    let with_events = extras.with_event.unwrap_or(false);
    list(
        ctx,
        &filter,
        limit,
        None,
        &DescribeItems { with_events },
        "ContainerGroups",
    )
}

pub fn describe_status(
    ctx: &Ctx<'_>,
    filter: GroupFilter,
    extras: DescribeContainerGroupStatusExtras,
) -> Result<JsonBody, ApiError> {
    let limit = rules::status_limit(filter.limit)?;
    let since = rules::since_second(extras.since_second)?;
    let cutoff = since.map(|s| ctx.eci.clock.now() - time::Duration::seconds(s));
    let changed_since = move |g: &ContainerGroup| cutoff.is_none_or(|c| g.life.since >= c);
    let keep: Option<&dyn Fn(&ContainerGroup) -> bool> = since.map(|_| &changed_since as _);
    list(ctx, &filter, limit, keep, &StatusItems, "Data")
}

/// The listing both describes share: filters, paging and `TotalCount`.
pub(super) fn list<R: ItemView>(
    ctx: &Ctx<'_>,
    filter: &GroupFilter,
    limit: usize,
    keep: Option<&dyn Fn(&ContainerGroup) -> bool>,
    render: &R,
    items_key: &'static str,
) -> Result<JsonBody, ApiError> {
    let region = network::region(&filter.region_id)?;
    rules::check_filter(filter)?;
    let before = paging::decode(filter.next_token.as_deref())?;
    let keys = index_filters(filter);
    let Some(partition) = ctx.existing_partition(region) else {
        return JsonBody::of(&json!({items_key: [], "TotalCount": 0, "NextToken": ""}));
    };
    let state = partition.read();
    let page = match &filter.container_group_ids {
        Some(ids) => by_ids(&state, ids, &keys, keep),
        None => state.groups.page(&keys, keep, before, limit),
    };
    let kept = rendered_items(ctx, &page.items, render)?;
    let items: Vec<&RawValue> = kept.iter().map(|item| &**item).collect();
    let next = page.next.map(paging::encode).unwrap_or_default();
    let body = JsonBody::of(&Listing {
        items_key,
        items: &items,
        total: page.total,
        next: &next,
    });
    let counted: Vec<String> = if state.counting_describes > 0 {
        page.items.iter().map(|g| g.record.id.clone()).collect()
    } else {
        Vec::new()
    };
    drop(items);
    drop(state);
    count_describes(ctx, &partition, &counted);
    body
}

/// A describe that showed groups moving after so many describes counts for each of them.
fn count_describes(ctx: &Ctx<'_>, partition: &RwLock<RegionState>, ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    let now = ctx.eci.clock.now();
    let mut gone = Vec::new();
    let mut state = partition.write();
    for id in ids {
        state.change_life(id, |life| life.count_describe(now));
        gone.extend(state.remove_if_gone(id));
    }
    drop(state);
    ctx.release(gone);
}

/// How a listing shows each group, borrowing from it.
pub(super) trait ItemView {
    type View<'g>: serde::Serialize;
    fn view<'g>(&self, group: &'g ContainerGroup) -> Self::View<'g>;
    /// The cache's name for this rendering; `None` when it depends on more than the group (a
    /// time window, say), so it is rendered every time.
    fn shape(&self) -> Option<ItemShape>;
}

/// Each group's item as JSON, taken from the cache while the group has not changed.
fn rendered_items<R: ItemView>(
    ctx: &Ctx<'_>,
    groups: &[Stamped<'_, ContainerGroup>],
    render: &R,
) -> Result<Vec<Arc<RawValue>>, ApiError> {
    let shape = render.shape();
    let to_json = |group: &ContainerGroup| serde_json::value::to_raw_value(&render.view(group));
    groups
        .iter()
        .map(|group| match shape {
            Some(shape) => ctx
                .eci
                .rendered
                .get_or_render(group.stamp, shape, || to_json(group.record)),
            None => to_json(group.record).map(Arc::from),
        })
        .collect::<serde_json::Result<_>>()
        .map_err(|_| ApiError::new(ErrorCode::InternalError))
}

struct DescribeItems {
    with_events: bool,
}

impl ItemView for DescribeItems {
    type View<'g> = view::GroupView<'g>;
    fn view<'g>(&self, group: &'g ContainerGroup) -> Self::View<'g> {
        view::describe_item(group, self.with_events)
    }
    fn shape(&self) -> Option<ItemShape> {
        Some(if self.with_events {
            ItemShape::DescribeWithEvents
        } else {
            ItemShape::Describe
        })
    }
}

struct StatusItems;

impl ItemView for StatusItems {
    type View<'g> = Value;
    fn view<'g>(&self, group: &'g ContainerGroup) -> Self::View<'g> {
        view::status_item(group)
    }
    fn shape(&self) -> Option<ItemShape> {
        Some(ItemShape::Status)
    }
}

/// A page of a listing: `{items_key: [...], "TotalCount": n, "NextToken": "…"}`.
struct Listing<'a, V> {
    items_key: &'static str,
    items: &'a [V],
    total: usize,
    next: &'a str,
}

impl<V: serde::Serialize> serde::Serialize for Listing<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry(self.items_key, self.items)?;
        map.serialize_entry("TotalCount", &self.total)?;
        map.serialize_entry("NextToken", self.next)?;
        map.end()
    }
}

fn index_filters(filter: &GroupFilter) -> Vec<IndexKey> {
    let mut keys = Vec::new();
    let mut add = |field: &'static str, value: &Option<String>| {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            keys.push(IndexKey::new(field, v));
        }
    };
    add(index::NAME, &filter.container_group_name);
    add(index::STATUS, &filter.status);
    add(index::VSWITCH, &filter.vswitch_id);
    add(index::ZONE, &filter.zone_id);
    add(index::SECURITY_GROUP, &filter.security_group_id);
    add(index::RESOURCE_GROUP, &filter.resource_group_id);
    add(index::COMPUTE_CATEGORY, &filter.compute_category);
    for tag in &filter.tags {
        match &tag.value {
            Some(value) => keys.push(IndexKey::new(index::TAG, index::tag_value(&tag.key, value))),
            None => keys.push(IndexKey::new(index::TAG_KEY, tag.key.as_str())),
        }
    }
    keys
}

/// The groups named in `ContainerGroupIds` that exist and match the other filters; unknown ids are skipped.
fn by_ids<'a>(
    state: &'a RegionState,
    ids: &[String],
    keys: &[IndexKey],
    keep: Option<&dyn Fn(&ContainerGroup) -> bool>,
) -> Page<'a, ContainerGroup> {
    // At most 20 ids (checked with the other rules): a look back at the earlier ones costs less than
    // a hashed set, which would also allocate for a single id.
    let items: Vec<Stamped<'a, ContainerGroup>> = ids
        .iter()
        .enumerate()
        .filter(|(i, id)| !ids.get(..*i).unwrap_or_default().contains(id))
        .filter_map(|(_, id)| state.groups.get_stamped(id))
        .filter(|g| {
            keys.is_empty() || {
                let own = crate::store::Record::index_keys(g.record);
                keys.iter().all(|k| own.contains(k))
            }
        })
        .filter(|g| keep.is_none_or(|keep| keep(g.record)))
        .collect();
    Page {
        total: items.len(),
        items,
        next: None,
    }
}

pub fn delete(ctx: &Ctx<'_>, req: DeleteContainerGroupRequest) -> Result<JsonBody, ApiError> {
    let region: &RegionInfo = network::region(&req.region_id)?;
    let not_found = || {
        let detail = format!(
            "The specified ContainerGroupId \"{}\" is not found.",
            req.container_group_id
        );
        ApiError::with_detail(ErrorCode::NotFound, &detail)
    };
    let partition = ctx.existing_partition(region).ok_or_else(not_found)?;
    let mut state = partition.write();
    let token = req.client_token.as_deref().filter(|t| !t.is_empty());
    if let Some(token) = token {
        if state.delete_tokens.get(token) == Some(&req.container_group_id) {
            return JsonBody::of(&json!({}));
        }
    }
    let now = ctx.eci.clock.now();
    let status = state
        .groups
        .get(&req.container_group_id)
        .ok_or_else(not_found)?
        .status();
    if status == GroupStatus::Terminating && req.force != Some(true) {
        return JsonBody::of(&json!({}));
    }
    let terminating = req.force != Some(true)
        && state
            .change_life(&req.container_group_id, |life| {
                life.fire(Trigger::Delete, now).is_ok() && !life.gone
            })
            .unwrap_or(false);
    if !terminating {
        let group = state.remove_group(&req.container_group_id).ok_or_else(not_found)?;
        ctx.release(vec![group]);
    }
    let group_id = req.container_group_id.clone();
    if let Some(token) = token {
        state.delete_tokens.insert(token.to_owned(), group_id, now);
    }
    JsonBody::of(&json!({}))
}

/// `ListUsage`: the caller's vCPU use and quota in the region. The image- and data-cache figures are
/// the service's documented defaults until those resources exist here.
pub fn list_usage(ctx: &Ctx<'_>, req: ListUsageRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let account = ctx.eci.accounts.get(&ctx.caller.access_key_id);
    let (used_cpu, groups) = match ctx.existing_partition(region) {
        Some(p) => {
            let state = p.read();
            (state.used_cpu, state.groups.len())
        }
        None => (0.0, 0),
    };
    JsonBody::of(&json!({"Attributes": {
        "UsedCpu": used_cpu,
        "MaxCpu": account.quota.vcpus.unwrap_or(UNLIMITED),
        "UsedContainerGroupCount": groups,
        "MaxContainerGroupCount": account.quota.container_groups.map(|n| n as f64).unwrap_or(UNLIMITED),
        "MaxImageCacheCount": 500,
        "UsedImageCacheCount": 0,
        "MaxAutoImageCacheCount": 25,
        "UsedAutoImageCacheCount": 0,
        "MaxDataCacheCount": 100,
        "UsedDataCacheCount": 0,
    }}))
}

/// What `ListUsage` reports for a quota nobody set.
const UNLIMITED: f64 = 1_000_000.0;
