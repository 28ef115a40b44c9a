//! Heap held per stored group, counted exactly by a counting allocator (its own test binary, since the
//! allocator is global): a one-container group must stay within 4 KiB. Allocation counts do not depend
//! on the machine's speed, so this is a stable check, not a timing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use tower::ServiceExt;

struct Counting;

static NET_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        NET_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NET_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        NET_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const NETWORK: &str = r#"{"vpcs": [{"vpcId": "vpc-m", "regionId": "cn-hangzhou", "cidrBlock": "10.0.0.0/8"}],
 "vSwitches": [{"vSwitchId": "vsw-m", "vpcId": "vpc-m", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.0.0.0/12"}]}"#;

async fn call(app: &axum::Router, request: axum::http::Request<axum::body::Body>) -> u16 {
    app.clone()
        .oneshot(request)
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_stored_one_container_group_holds_at_most_4_kib() {
    let state = eci_emulator::AppState::new(eci_emulator::server::AppOptions::default()).unwrap();
    let app = eci_emulator::app(state);
    let fixtures = axum::http::Request::post("/_emulator/fixtures")
        .body(axum::body::Body::from(NETWORK))
        .unwrap();
    assert_eq!(call(&app, fixtures).await, 200);
    let create = |n: u32| {
        let uri = format!(
            "/?Action=CreateContainerGroup&Version=2018-08-08&AccessKeyId=K&RegionId=cn-hangzhou&ContainerGroupName=g-{}\
             &Container.1.Name=app&Container.1.Image=nginx&Container.1.Cpu=0.25&Container.1.Memory=0.5&VSwitchId=vsw-m\
             &Tag.1.Key=team&Tag.1.Value=t{}",
            n % 1000,
            n % 100
        );
        axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap()
    };
    // Warm up so one-off structures (the region's network, index keys, map growth) are paid for.
    for n in 0..5_000 {
        assert_eq!(call(&app, create(n)).await, 200);
    }
    let before = NET_BYTES.load(Ordering::Relaxed);
    let count = 10_000;
    for n in 0..count {
        assert_eq!(call(&app, create(n)).await, 200);
    }
    let per_group = (NET_BYTES.load(Ordering::Relaxed) - before) / count as isize;
    assert!(per_group <= 4096, "a stored group holds {per_group} bytes of heap");
    assert!(
        per_group > 1000,
        "implausibly small ({per_group} bytes): is the counter counting?"
    );
}
