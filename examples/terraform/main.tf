# A whole ECI flow against eci-emulator: a VPC, a vSwitch, a security group with a rule, an EIP, a
# container group on them (two containers, env, ports, a volume, tags, the EIP) and an image cache;
# then the groups and zones read back. `docs/terraform.md` explains each provider setting.

terraform {
  required_providers {
    alicloud = {
      source = "aliyun/alicloud"
    }
  }
}

variable "endpoint" {
  description = "Where eci-emulator listens, as host:port with no scheme."
  type        = string
  default     = "127.0.0.1:8080"
}

variable "access_key" {
  type    = string
  default = "LTAI5tTerraform"
}

variable "secret_key" {
  type      = string
  default   = "anything"
  sensitive = true
}

variable "app_image" {
  type    = string
  default = "nginx:1.25"
}

variable "team" {
  type    = string
  default = "platform"
}

provider "alicloud" {
  access_key             = var.access_key
  secret_key             = var.secret_key
  region                 = "cn-hangzhou"
  protocol               = "HTTP"
  skip_region_validation = true
  # Known, so the provider asks no billing API which kind of account this is.
  account_type = "Domestic"
  # Every product the configuration uses, so none is looked up in the Location service.
  endpoints {
    eci = var.endpoint
    vpc = var.endpoint
    ecs = var.endpoint
    sts = var.endpoint
  }
}

resource "alicloud_vpc" "main" {
  vpc_name   = "tf-vpc"
  cidr_block = "10.0.0.0/16"
  tags = {
    team = var.team
  }
}

resource "alicloud_vswitch" "main" {
  vswitch_name = "tf-vsw"
  vpc_id       = alicloud_vpc.main.id
  cidr_block   = "10.0.1.0/24"
  zone_id      = "cn-hangzhou-k"
}

resource "alicloud_security_group" "main" {
  security_group_name = "tf-sg"
  vpc_id              = alicloud_vpc.main.id
}

resource "alicloud_security_group_rule" "http" {
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "80/80"
  cidr_ip           = "0.0.0.0/0"
  policy            = "accept"
  priority          = 1
  nic_type          = "intranet"
  security_group_id = alicloud_security_group.main.id
}

resource "alicloud_eip_address" "main" {
  address_name         = "tf-eip"
  bandwidth            = "5"
  internet_charge_type = "PayByTraffic"
}

resource "alicloud_eci_container_group" "web" {
  container_group_name = "tf-web"
  vswitch_id           = alicloud_vswitch.main.id
  security_group_id    = alicloud_security_group.main.id
  eip_instance_id      = alicloud_eip_address.main.id
  restart_policy       = "Always"
  cpu                  = 2
  memory               = 4
  tags = {
    team = var.team
  }

  containers {
    name              = "web"
    image             = var.app_image
    cpu               = 1
    memory            = 2
    image_pull_policy = "IfNotPresent"
    commands          = ["nginx", "-g", "daemon off;"]
    ports {
      port     = 80
      protocol = "TCP"
    }
    environment_vars {
      key   = "MODE"
      value = "emulated"
    }
    volume_mounts {
      name       = "cache"
      mount_path = "/var/cache/nginx"
    }
  }

  containers {
    name   = "sidecar"
    image  = "busybox:1.36"
    cpu    = 0.5
    memory = 1
    args   = ["sleep", "3600"]
  }

  volumes {
    name = "cache"
    type = "EmptyDirVolume"
  }
}

# The sidecar's image: a cache's images cannot change in place (the provider replaces the cache).
resource "alicloud_eci_image_cache" "sidecar" {
  image_cache_name  = "tf-sidecar-cache"
  images            = ["busybox:1.36"]
  security_group_id = alicloud_security_group.main.id
  vswitch_id        = alicloud_vswitch.main.id
}

data "alicloud_eci_container_groups" "all" {
  depends_on = [alicloud_eci_container_group.web]
}

data "alicloud_zones" "vswitch" {
  available_resource_creation = "VSwitch"
}

output "group_id" {
  value = alicloud_eci_container_group.web.id
}

output "group_ips" {
  value = [alicloud_eci_container_group.web.intranet_ip, alicloud_eci_container_group.web.internet_ip]
}

output "groups_listed" {
  value = length(data.alicloud_eci_container_groups.all.groups)
}

output "zones" {
  value = data.alicloud_zones.vswitch.ids
}
