"""Builders of realistic Kubernetes objects (dicts shaped as the API server returns them).

Shapes follow what a real 1.31 cluster returns (compare /work/shared/fixtures): pods carry
managedFields, ownerReferences, probes, conditions and containerStatuses; nodes carry
nodeInfo, addresses and images. Everything complete enough for the official client's
strict models. Builders take explicit uids and times so that a generator can be
deterministic; left out, they get random uids and the current time.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import uuid

import orjson

SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    return rfc3339(dt.datetime.now(dt.UTC))


def _uid(uid: str | None) -> str:
    return uid or str(uuid.uuid4())


def _short_hash(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def owner_reference(owner: dict) -> dict:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


# ---------------------------------------------------------------- cluster-scoped


def namespace(
    name: str,
    *,
    labels: dict[str, str] | None = None,
    uid: str | None = None,
    created: str | None = None,
    phase: str = "Active",
) -> dict:
    return {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "uid": _uid(uid),
            "creationTimestamp": created or _now(),
            "labels": {"kubernetes.io/metadata.name": name, **(labels or {})},
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": phase},
    }


def node(
    name: str,
    *,
    labels: dict[str, str] | None = None,
    provider_id: str | None = None,
    cpu: str = "4",
    memory: str = "16310208Ki",
    pods: str = "110",
    ephemeral_storage: str = "83873772Ki",
    allocatable_cpu: str | None = None,
    allocatable_memory: str | None = None,
    taints: list[dict] | None = None,
    extended_resources: dict[str, str] | None = None,
    ready: bool = True,
    unschedulable: bool = False,
    kubelet_version: str = "v1.31.13",
    os_image: str = "Ubuntu 22.04.5 LTS",
    container_runtime: str = "containerd://1.7.27",
    kernel_version: str = "6.8.0-1021-aws",
    architecture: str = "amd64",
    internal_ip: str = "10.0.0.10",
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    heartbeat = created or _now()
    spec: dict = {}
    if provider_id:
        spec["providerID"] = provider_id
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    pressure = [
        ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ]
    conditions = [
        {
            "type": condition,
            "status": "False",
            "lastHeartbeatTime": heartbeat,
            "lastTransitionTime": heartbeat,
            "reason": reason,
            "message": message,
        }
        for condition, reason, message in pressure
    ]
    conditions.append(
        {
            "type": "Ready",
            "status": "True" if ready else "False",
            "lastHeartbeatTime": heartbeat,
            "lastTransitionTime": heartbeat,
            "reason": "KubeletReady" if ready else "KubeletNotReady",
            "message": "kubelet is posting ready status"
            if ready
            else "container runtime network not ready",
        }
    )
    machine = _short_hash(name, 32)
    return {
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "uid": _uid(uid),
            "creationTimestamp": created or _now(),
            "labels": {
                "kubernetes.io/arch": architecture,
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                **(labels or {}),
            },
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "capacity": {
                "cpu": cpu,
                "ephemeral-storage": ephemeral_storage,
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": memory,
                "pods": pods,
                **(extended_resources or {}),
            },
            "allocatable": {
                "cpu": allocatable_cpu or cpu,
                "ephemeral-storage": ephemeral_storage,
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": allocatable_memory or memory,
                "pods": pods,
                **(extended_resources or {}),
            },
            "conditions": conditions,
            "addresses": [
                {"type": "InternalIP", "address": internal_ip},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": machine,
                "systemUUID": str(uuid.UUID(machine)),
                "bootID": str(uuid.UUID(_short_hash(name + "boot", 32))),
                "kernelVersion": kernel_version,
                "osImage": os_image,
                "containerRuntimeVersion": container_runtime,
                "kubeletVersion": kubelet_version,
                "kubeProxyVersion": kubelet_version,
                "operatingSystem": "linux",
                "architecture": architecture,
            },
            "images": [
                {
                    "names": [
                        f"registry.k8s.io/pause@sha256:{_short_hash('pause', 64)}",
                        "registry.k8s.io/pause:3.10",
                    ],
                    "sizeBytes": 320368,
                },
                {
                    "names": [f"registry.k8s.io/kube-proxy:{kubelet_version}"],
                    "sizeBytes": 30171221,
                },
            ],
        },
    }


def taint(key: str, effect: str = "NoSchedule", value: str | None = None) -> dict:
    result = {"key": key, "effect": effect}
    if value is not None:
        result["value"] = value
    return result


# ---------------------------------------------------------------- containers and pods


def container(
    name: str,
    image: str,
    *,
    requests: dict[str, str] | None = None,
    limits: dict[str, str] | None = None,
    port: int = 8080,
    sidecar: bool = False,
) -> dict:
    """A container spec; a sidecar has no env, probes or securityContext, as is common."""
    resources: dict = {}
    if requests:
        resources["requests"] = dict(requests)
    if limits:
        resources["limits"] = dict(limits)
    spec = {
        "name": name,
        "image": image,
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "resources": resources,
        "volumeMounts": [
            {"name": "kube-api-access", "readOnly": True, "mountPath": SERVICE_ACCOUNT_MOUNT}
        ],
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }
    if sidecar:
        return spec
    health_check = {"path": "/healthz", "port": port, "scheme": "HTTP"}
    probe = {
        "httpGet": health_check,
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    spec.update(
        {
            "env": [
                {
                    "name": "POD_NAME",
                    "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
                },
            ],
            "livenessProbe": {**probe, "initialDelaySeconds": 15},
            "readinessProbe": {**probe, "httpGet": {**health_check, "path": "/ready"}},
            "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False},
        }
    )
    return spec


def _qos_class(containers: list[dict]) -> str:
    resources = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    guaranteed = all(
        r.get("limits", {}).get(resource)
        and r.get("requests", {}).get(resource, r["limits"][resource]) == r["limits"][resource]
        for r in resources
        for resource in ("cpu", "memory")
    )
    return "Guaranteed" if guaranteed else "Burstable"


def _container_state(phase: str, waiting_reason: str | None, started: str) -> dict:
    if waiting_reason or phase == "Pending":
        return {"waiting": {"reason": waiting_reason or "ContainerCreating"}}
    if phase == "Succeeded":
        return {
            "terminated": {
                "exitCode": 0,
                "reason": "Completed",
                "startedAt": started,
                "finishedAt": started,
            }
        }
    if phase == "Failed":
        return {
            "terminated": {
                "exitCode": 1,
                "reason": "Error",
                "startedAt": started,
                "finishedAt": started,
            }
        }
    return {"running": {"startedAt": started}}


def _pod_managed_fields(
    labels: dict, containers: list[dict], owner_uid: str | None, at: str
) -> list:
    # Real entries also list env, probes and securityContext; these keep a pod near the
    # ~4.5 KB a typical pod weighs in a real list.
    def container_fields(c: dict) -> dict:
        return {
            ".": {},
            "f:image": {},
            "f:imagePullPolicy": {},
            "f:name": {},
            "f:ports": {".": {}, f'k:{{"containerPort":{c["ports"][0]["containerPort"]}}}': {}},
            "f:resources": {
                ".": {},
                **{
                    f"f:{kind}": {".": {}, **{f"f:{r}": {} for r in values}}
                    for kind, values in c["resources"].items()
                },
            },
            "f:terminationMessagePath": {},
        }

    metadata_fields: dict = {
        "f:generateName": {},
        "f:labels": {".": {}, **{f"f:{key}": {} for key in labels}},
    }
    if owner_uid:
        metadata_fields["f:ownerReferences"] = {".": {}, f'k:{{"uid":"{owner_uid}"}}': {}}
    return [
        {
            "manager": "kube-controller-manager",
            "operation": "Update",
            "apiVersion": "v1",
            "time": at,
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:metadata": metadata_fields,
                "f:spec": {
                    "f:containers": {
                        f'k:{{"name":"{c["name"]}"}}': container_fields(c) for c in containers
                    },
                    "f:dnsPolicy": {},
                    "f:restartPolicy": {},
                },
            },
        },
        {
            "manager": "kubelet",
            "operation": "Update",
            "apiVersion": "v1",
            "time": at,
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:status": {
                    "f:conditions": {
                        'k:{"type":"Ready"}': {
                            ".": {},
                            "f:lastProbeTime": {},
                            "f:lastTransitionTime": {},
                            "f:status": {},
                            "f:type": {},
                        },
                    },
                    "f:containerStatuses": {},
                    "f:hostIP": {},
                    "f:hostIPs": {},
                    "f:phase": {},
                    "f:podIP": {},
                    "f:podIPs": {".": {}, 'k:{"ip":"10.0.0.1"}': {".": {}, "f:ip": {}}},
                    "f:startTime": {},
                }
            },
            "subresource": "status",
        },
    ]


def pod(
    namespace: str,
    name: str,
    *,
    containers: list[dict],
    owner: dict | None = None,
    node_name: str | None = "node-1",
    phase: str = "Running",
    labels: dict[str, str] | None = None,
    restarts: list[int] | None = None,
    waiting_reason: str | None = None,
    last_terminated_reason: str = "OOMKilled",
    unschedulable_message: str = "0/3 nodes are available: 3 Insufficient cpu.",
    init_containers: list[dict] | None = None,
    pvc_claims: list[str] | None = None,
    host_ip: str = "10.0.0.10",
    pod_ip: str = "10.1.0.10",
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    created = created or _now()
    labels = dict(labels or {})
    restarts = restarts or [0] * len(containers)
    scheduled = node_name is not None
    running = phase == "Running" and not waiting_reason
    owner_uid = owner["metadata"]["uid"] if owner else None
    metadata: dict = {
        "name": name,
        "namespace": namespace,
        "uid": _uid(uid),
        "creationTimestamp": created,
        "labels": labels,
        "managedFields": _pod_managed_fields(labels, containers, owner_uid, created),
    }
    if owner:
        metadata["generateName"] = f"{owner['metadata']['name']}-"
        metadata["ownerReferences"] = [owner_reference(owner)]
    volumes: list[dict] = [
        {
            "name": "kube-api-access",
            "projected": {
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {
                        "configMap": {
                            "name": "kube-root-ca.crt",
                            "items": [{"key": "ca.crt", "path": "ca.crt"}],
                        }
                    },
                ],
                "defaultMode": 420,
            },
        }
    ]
    for claim in pvc_claims or []:
        volumes.append({"name": f"data-{claim}", "persistentVolumeClaim": {"claimName": claim}})
    spec: dict = {
        "volumes": volumes,
        "containers": containers,
        "restartPolicy": "Always" if owner is None or owner["kind"] != "Job" else "Never",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "default",
        "serviceAccount": "default",
        "securityContext": {},
        "schedulerName": "default-scheduler",
        "tolerations": [
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
        ],
        "priority": 0,
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
    }
    if init_containers:
        spec["initContainers"] = init_containers
    if scheduled:
        spec["nodeName"] = node_name

    def condition(kind: str, ok: bool) -> dict:
        return {
            "type": kind,
            "status": "True" if ok else "False",
            "lastProbeTime": None,
            "lastTransitionTime": created,
        }

    status: dict = {"phase": phase, "qosClass": _qos_class(containers)}
    if not scheduled:
        status["conditions"] = [
            {
                **condition("PodScheduled", False),
                "reason": "Unschedulable",
                "message": unschedulable_message,
            }
        ]
        return {
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": metadata,
            "spec": spec,
            "status": status,
        }
    status["conditions"] = [
        condition("Initialized", True),
        condition("Ready", running),
        condition("ContainersReady", running),
        condition("PodScheduled", True),
    ]
    status.update(
        {
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}],
            "startTime": created,
        }
    )
    container_statuses = []
    for spec_container, restart_count in zip(containers, restarts, strict=True):
        image = spec_container["image"]
        container_status = {
            "name": spec_container["name"],
            "state": _container_state(phase, waiting_reason, created),
            "lastState": {},
            "ready": running,
            "restartCount": restart_count,
            "image": image,
            "imageID": f"{image.split(':')[0]}@sha256:{_short_hash(image, 64)}",
            "containerID": f"containerd://{_short_hash(name + spec_container['name'], 64)}",
            "started": running,
        }
        if restart_count:
            container_status["lastState"] = {
                "terminated": {
                    "exitCode": 137 if last_terminated_reason == "OOMKilled" else 1,
                    "reason": last_terminated_reason,
                    "startedAt": created,
                    "finishedAt": created,
                    "containerID": f"containerd://{_short_hash(name + 'previous', 64)}",
                }
            }
        container_statuses.append(container_status)
    status["containerStatuses"] = container_statuses
    if init_containers:
        status["initContainerStatuses"] = [
            {
                "name": c["name"],
                "state": {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": created,
                        "finishedAt": created,
                    }
                },
                "lastState": {},
                "ready": True,
                "restartCount": 0,
                "image": c["image"],
                "imageID": f"{c['image'].split(':')[0]}@sha256:{_short_hash(c['image'], 64)}",
                "started": False,
            }
            for c in init_containers
        ]
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec, "status": status}


# ---------------------------------------------------------------- workloads


def _pod_template(labels: dict[str, str], containers: list[dict]) -> dict:
    return {
        "metadata": {"labels": dict(labels)},
        "spec": {
            "containers": containers,
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": {},
            "schedulerName": "default-scheduler",
        },
    }


def _workload_metadata(
    namespace: str, name: str, labels: dict, uid: str | None, created: str | None
) -> dict:
    return {
        "name": name,
        "namespace": namespace,
        "uid": _uid(uid),
        "generation": 1,
        "creationTimestamp": created or _now(),
        "labels": dict(labels),
        "annotations": {"deployment.kubernetes.io/revision": "1"},
    }


def deployment(
    namespace: str,
    name: str,
    *,
    containers: list[dict],
    replicas: int = 1,
    ready: int | None = None,
    labels: dict[str, str] | None = None,
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    selector = {"app": name}
    ready = replicas if ready is None else ready
    return {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": _workload_metadata(
            namespace, name, {**selector, **(labels or {})}, uid, created
        ),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector},
            "template": _pod_template(selector, containers),
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "conditions": [
                {
                    "type": "Available",
                    "status": "True" if ready == replicas else "False",
                    "lastUpdateTime": created or _now(),
                    "lastTransitionTime": created or _now(),
                    "reason": "MinimumReplicasAvailable",
                    "message": "Deployment has minimum availability.",
                }
            ],
        },
    }


def replicaset(owner: dict, *, uid: str | None = None, created: str | None = None) -> dict:
    """The current ReplicaSet of a Deployment (named <deployment>-<pod-template-hash>)."""
    meta, spec = owner["metadata"], owner["spec"]
    template_hash = _short_hash(meta["uid"])
    labels = {**spec["selector"]["matchLabels"], "pod-template-hash": template_hash}
    replicas = spec["replicas"]
    ready = owner["status"]["readyReplicas"]
    return {
        "kind": "ReplicaSet",
        "apiVersion": "apps/v1",
        "metadata": {
            **_workload_metadata(
                meta["namespace"], f"{meta['name']}-{template_hash}", labels, uid, created
            ),
            "ownerReferences": [owner_reference(owner)],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": _pod_template(labels, spec["template"]["spec"]["containers"]),
        },
        "status": {
            "replicas": replicas,
            "fullyLabeledReplicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": 1,
        },
    }


def statefulset(
    namespace: str,
    name: str,
    *,
    containers: list[dict],
    replicas: int = 1,
    ready: int | None = None,
    labels: dict[str, str] | None = None,
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    selector = {"app": name}
    ready = replicas if ready is None else ready
    return {
        "kind": "StatefulSet",
        "apiVersion": "apps/v1",
        "metadata": _workload_metadata(
            namespace, name, {**selector, **(labels or {})}, uid, created
        ),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector},
            "template": _pod_template(selector, containers),
            "serviceName": name,
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "revisionHistoryLimit": 10,
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "readyReplicas": ready,
            "currentReplicas": replicas,
            "updatedReplicas": replicas,
            "availableReplicas": ready,
            "currentRevision": f"{name}-{_short_hash(name)}",
            "updateRevision": f"{name}-{_short_hash(name)}",
            "collisionCount": 0,
        },
    }


def daemonset(
    namespace: str,
    name: str,
    *,
    containers: list[dict],
    desired: int,
    ready: int | None = None,
    labels: dict[str, str] | None = None,
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    selector = {"app": name}
    ready = desired if ready is None else ready
    return {
        "kind": "DaemonSet",
        "apiVersion": "apps/v1",
        "metadata": _workload_metadata(
            namespace, name, {**selector, **(labels or {})}, uid, created
        ),
        "spec": {
            "selector": {"matchLabels": selector},
            "template": _pod_template(selector, containers),
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
            },
            "revisionHistoryLimit": 10,
        },
        "status": {
            "currentNumberScheduled": desired,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": desired,
            "numberReady": ready,
            "observedGeneration": 1,
            "updatedNumberScheduled": desired,
            "numberAvailable": ready,
        },
    }


def cronjob(
    namespace: str,
    name: str,
    *,
    containers: list[dict],
    schedule: str = "0 * * * *",
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    template = _pod_template({"app": name}, containers)
    template["spec"]["restartPolicy"] = "Never"
    return {
        "kind": "CronJob",
        "apiVersion": "batch/v1",
        "metadata": _workload_metadata(namespace, name, {"app": name}, uid, created),
        "spec": {
            "schedule": schedule,
            "concurrencyPolicy": "Forbid",
            "suspend": False,
            "jobTemplate": {"spec": {"template": template}},
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 1,
        },
        "status": {},
    }


def job(
    namespace: str,
    name: str,
    *,
    containers: list[dict],
    owner: dict | None = None,
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    metadata = _workload_metadata(namespace, name, {"job-name": name}, uid, created)
    if owner:
        metadata["ownerReferences"] = [owner_reference(owner)]
    template = _pod_template({"job-name": name}, containers)
    template["spec"]["restartPolicy"] = "Never"
    return {
        "kind": "Job",
        "apiVersion": "batch/v1",
        "metadata": metadata,
        "spec": {
            "parallelism": 1,
            "completions": 1,
            "backoffLimit": 6,
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": metadata["uid"]}},
            "template": template,
        },
        "status": {"active": 1, "ready": 1, "startTime": metadata["creationTimestamp"]},
    }


# ---------------------------------------------------------------- storage and secrets


def pvc(
    namespace: str,
    name: str,
    *,
    request: str = "10Gi",
    capacity: str | None = None,
    storage_class: str | None = "gp3",
    phase: str = "Bound",
    access_modes: tuple[str, ...] = ("ReadWriteOnce",),
    volume_name: str | None = None,
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    uid = _uid(uid)
    bound = phase == "Bound"
    spec: dict = {
        "accessModes": list(access_modes),
        "resources": {"requests": {"storage": request}},
        "volumeMode": "Filesystem",
    }
    if storage_class:
        spec["storageClassName"] = storage_class
    if bound:
        spec["volumeName"] = volume_name or f"pvc-{uid}"
    status: dict = {"phase": phase}
    if bound:
        status.update(
            {"accessModes": list(access_modes), "capacity": {"storage": capacity or request}}
        )
    return {
        "kind": "PersistentVolumeClaim",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": uid,
            "creationTimestamp": created or _now(),
            "annotations": {"pv.kubernetes.io/bind-completed": "yes"} if bound else {},
            "finalizers": ["kubernetes.io/pvc-protection"],
        },
        "spec": spec,
        "status": status,
    }


def encode_helm_release(release: dict) -> str:
    """A Secret's `release` value, as Helm 3 writes it: base64(base64(gzip(JSON)))."""
    helm_encoded = base64.b64encode(gzip.compress(orjson.dumps(release)))
    return base64.b64encode(helm_encoded).decode()


def helm_release_secret(
    namespace: str,
    release: str,
    revision: int,
    *,
    chart: str,
    chart_version: str,
    app_version: str,
    status: str = "deployed",
    values: dict | None = None,
    last_deployed: str | None = None,
    description: str | None = None,
    uid: str | None = None,
    created: str | None = None,
) -> dict:
    """A Helm release Secret whose payload, like a real one, carries the user's values,
    the chart's default values and the rendered manifest."""
    deployed = last_deployed or _now()
    payload = {
        "name": release,
        "info": {
            "first_deployed": deployed,
            "last_deployed": deployed,
            "deleted": "",
            "description": description
            or ("Upgrade complete" if revision > 1 else "Install complete"),
            "status": status,
            "notes": f"Thank you for installing {chart}.",
        },
        "chart": {
            "metadata": {
                "name": chart,
                "version": chart_version,
                "appVersion": app_version,
                "apiVersion": "v2",
                "description": f"A Helm chart for {chart}",
                "type": "application",
            },
            "lock": None,
            "templates": [
                {
                    "name": "templates/deployment.yaml",
                    "data": base64.b64encode(b"kind: Deployment").decode(),
                }
            ],
            "values": {"replicaCount": 1, "image": {"repository": chart, "tag": app_version}},
            "schema": None,
            "files": [],
        },
        "config": values or {},
        "manifest": (
            f"---\n# Source: {chart}/templates/deployment.yaml\n"
            "apiVersion: apps/v1\nkind: Deployment\n"
        ),
        "hooks": [],
        "version": revision,
        "namespace": namespace,
    }
    return {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {
            "name": f"sh.helm.release.v1.{release}.v{revision}",
            "namespace": namespace,
            "uid": _uid(uid),
            "creationTimestamp": created or _now(),
            "labels": {
                "name": release,
                "owner": "helm",
                "status": status,
                "version": str(revision),
            },
        },
        "type": "helm.sh/release.v1",
        "data": {"release": encode_helm_release(payload)},
    }


def opaque_secret(
    namespace: str, name: str, data: dict[str, bytes], *, uid: str | None = None
) -> dict:
    return {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": _uid(uid),
            "creationTimestamp": _now(),
        },
        "type": "Opaque",
        "data": {key: base64.b64encode(value).decode() for key, value in data.items()},
    }


# ---------------------------------------------------------------- metrics.k8s.io


def pod_metrics(
    pod_obj: dict, usage: list[tuple[str, str]], *, timestamp: str | None = None
) -> dict:
    """PodMetrics for a pod: one (cpu, memory) usage pair per container, in spec order."""
    meta = pod_obj["metadata"]
    at = timestamp or _now()
    return {
        "kind": "PodMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "creationTimestamp": at,
            "labels": dict(meta.get("labels") or {}),
        },
        "timestamp": at,
        "window": "18.036s",
        "containers": [
            {"name": c["name"], "usage": {"cpu": cpu, "memory": memory}}
            for c, (cpu, memory) in zip(pod_obj["spec"]["containers"], usage, strict=True)
        ],
    }


def node_metrics(name: str, cpu: str, memory: str, *, timestamp: str | None = None) -> dict:
    at = timestamp or _now()
    return {
        "kind": "NodeMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": name, "creationTimestamp": at, "labels": {}},
        "timestamp": at,
        "window": "20.05s",
        "usage": {"cpu": cpu, "memory": memory},
    }
