"""Create, read back, list and delete a container group with the official Python SDK, unchanged,
pointed at the emulator (ECI_ENDPOINT, default 127.0.0.1:8080)."""

import json
import time
import os

from alibabacloud_eci20180808 import models
from alibabacloud_eci20180808.client import Client
from alibabacloud_tea_openapi import models as open_api_models

config = open_api_models.Config(
    access_key_id=os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tExample"),
    access_key_secret=os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret"),
    endpoint=os.environ.get("ECI_ENDPOINT", "127.0.0.1:8080"),
    protocol="http",
    region_id="cn-hangzhou",
)
eci = Client(config)

created = eci.create_container_group(
    models.CreateContainerGroupRequest(
        region_id="cn-hangzhou",
        container_group_name="hello",
        container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx:1.25", cpu=1.0, memory=2.0)],
    )
)
group_id = created.body.container_group_id
print("created", group_id)

# Groups pass Scheduling and Pending first, as on the service; poll the way Terraform does.
for _ in range(100):
    found = eci.describe_container_groups(
        models.DescribeContainerGroupsRequest(region_id="cn-hangzhou", container_group_ids=json.dumps([group_id]))
    ).body.container_groups[0]
    if found.status in ("Running", "Succeeded", "Failed"):
        break
    time.sleep(0.05)
print(found.container_group_name, found.status, found.intranet_ip, found.zone_id)

eci.delete_container_group(models.DeleteContainerGroupRequest(region_id="cn-hangzhou", container_group_id=group_id))
try:
    eci.delete_container_group(models.DeleteContainerGroupRequest(region_id="cn-hangzhou", container_group_id=group_id))
except Exception as error:  # the SDK's ClientException
    print("second delete:", error.code, error.status_code)
