"""Field tables for the protobuf messages kubectl sends, copied from k8s.io/api's generated.proto.

Protobuf bodies carry field numbers, not names. Each table below maps a message's field
numbers to the JSON names (which equal the proto names in Kubernetes) and types, written in
a one-line notation per message, `number=name[]:Type?`:

- `[]` a repeated field; no `:Type` means a string;
- scalar types `int` (any varint integer), `bool`, `bytes` (base64 in JSON), `double`;
- special types `Time`, `IntOrString`, `Quantity`, `RawExtension`, decoded to their JSON form;
- `map`, `map:bytes`, `map:Quantity`: a map from strings to strings, bytes or quantities;
- a leading `*` on the name: a Go field inlined in JSON (`Volume.volumeSource`), so its
  content is flattened into the parent;
- a trailing `?`: a Go pointer, so a zero value on the wire (`replicas: 0`, `emptyDir: {}`)
  was meant and is kept; other zero values are gogo-protobuf's defaults and are dropped.

Field numbers never change in Kubernetes, so these tables only grow. Unlisted fields (status,
managedFields, rarely used volume types) are skipped by the decoder.
"""

from dataclasses import dataclass

META = {
    "ObjectMeta": "1=name 2=generateName 3=namespace 4=selfLink 5=uid 6=resourceVersion 7=generation:int"
    " 8=creationTimestamp:Time 9=deletionTimestamp:Time 10=deletionGracePeriodSeconds:int? 11=labels:map"
    " 12=annotations:map 13=ownerReferences[]:OwnerReference 14=finalizers[]",
    "OwnerReference": "1=kind 3=name 4=uid 5=apiVersion 6=controller:bool? 7=blockOwnerDeletion:bool?",
    "LabelSelector": "1=matchLabels:map 2=matchExpressions[]:LabelSelectorRequirement",
    "LabelSelectorRequirement": "1=key 2=operator 3=values[]",
}

CORE = {
    "Namespace": "1=metadata:ObjectMeta 2=spec:NamespaceSpec",
    "NamespaceSpec": "1=finalizers[]",
    "ConfigMap": "1=metadata:ObjectMeta 2=data:map 3=binaryData:map:bytes 4=immutable:bool?",
    "Secret": "1=metadata:ObjectMeta 2=data:map:bytes 3=type 4=stringData:map 5=immutable:bool?",
    "ServiceAccount": "1=metadata:ObjectMeta 2=secrets[]:ObjectReference 3=imagePullSecrets[]:LocalObjectReference"
    " 4=automountServiceAccountToken:bool?",
    "ObjectReference": "1=kind 2=namespace 3=name 4=uid 5=apiVersion 6=resourceVersion 7=fieldPath",
    "LocalObjectReference": "1=name",
    "Service": "1=metadata:ObjectMeta 2=spec:ServiceSpec",
    "ServiceSpec": "1=ports[]:ServicePort 2=selector:map 3=clusterIP 4=type 5=externalIPs[] 7=sessionAffinity"
    " 8=loadBalancerIP 9=loadBalancerSourceRanges[] 10=externalName 11=externalTrafficPolicy"
    " 12=healthCheckNodePort:int 13=publishNotReadyAddresses:bool 14=sessionAffinityConfig:SessionAffinityConfig"
    " 17=ipFamilyPolicy 18=clusterIPs[] 19=ipFamilies[] 20=allocateLoadBalancerNodePorts:bool?"
    " 21=loadBalancerClass 22=internalTrafficPolicy 23=trafficDistribution",
    "ServicePort": "1=name 2=protocol 3=port:int 4=targetPort:IntOrString 5=nodePort:int 6=appProtocol",
    "SessionAffinityConfig": "1=clientIP:ClientIPConfig",
    "ClientIPConfig": "1=timeoutSeconds:int?",
    "Pod": "1=metadata:ObjectMeta 2=spec:PodSpec",
    "PodTemplateSpec": "1=metadata:ObjectMeta 2=spec:PodSpec",
    "PodSpec": "1=volumes[]:Volume 2=containers[]:Container 3=restartPolicy 4=terminationGracePeriodSeconds:int?"
    " 5=activeDeadlineSeconds:int? 6=dnsPolicy 7=nodeSelector:map 8=serviceAccountName 9=serviceAccount"
    " 10=nodeName 11=hostNetwork:bool 12=hostPID:bool 13=hostIPC:bool 14=securityContext:PodSecurityContext"
    " 15=imagePullSecrets[]:LocalObjectReference 16=hostname 17=subdomain 18=affinity:Affinity 19=schedulerName"
    " 20=initContainers[]:Container 21=automountServiceAccountToken:bool? 22=tolerations[]:Toleration"
    " 23=hostAliases[]:HostAlias 24=priorityClassName 25=priority:int? 26=dnsConfig:PodDNSConfig"
    " 27=shareProcessNamespace:bool? 28=readinessGates[]:PodReadinessGate 29=runtimeClassName"
    " 30=enableServiceLinks:bool? 31=preemptionPolicy 32=overhead:map:Quantity"
    " 33=topologySpreadConstraints[]:TopologySpreadConstraint 34=ephemeralContainers[]:EphemeralContainer"
    " 35=setHostnameAsFQDN:bool? 36=os:PodOS 37=hostUsers:bool? 38=schedulingGates[]:PodSchedulingGate"
    " 40=resources:ResourceRequirements",
    "Container": "1=name 2=image 3=command[] 4=args[] 5=workingDir 6=ports[]:ContainerPort 7=env[]:EnvVar"
    " 8=resources:ResourceRequirements 9=volumeMounts[]:VolumeMount 10=livenessProbe:Probe 11=readinessProbe:Probe"
    " 12=lifecycle:Lifecycle 13=terminationMessagePath 14=imagePullPolicy 15=securityContext:SecurityContext"
    " 16=stdin:bool 17=stdinOnce:bool 18=tty:bool 19=envFrom[]:EnvFromSource 20=terminationMessagePolicy"
    " 21=volumeDevices[]:VolumeDevice 22=startupProbe:Probe 23=resizePolicy[]:ContainerResizePolicy 24=restartPolicy",
    "EphemeralContainer": "1=*ephemeralContainerCommon:Container 2=targetContainerName",
    "ContainerPort": "1=name 2=hostPort:int 3=containerPort:int 4=protocol 5=hostIP",
    "ContainerResizePolicy": "1=resourceName 2=restartPolicy",
    "EnvVar": "1=name 2=value 3=valueFrom:EnvVarSource",
    "EnvVarSource": "1=fieldRef:ObjectFieldSelector 2=resourceFieldRef:ResourceFieldSelector"
    " 3=configMapKeyRef:KeySelector 4=secretKeyRef:KeySelector",
    "ObjectFieldSelector": "1=apiVersion 2=fieldPath",
    "ResourceFieldSelector": "1=containerName 2=resource 3=divisor:Quantity",
    # ConfigMapKeySelector and SecretKeySelector share their layout.
    "KeySelector": "1=*localObjectReference:LocalObjectReference 2=key 3=optional:bool?",
    "EnvFromSource": "1=prefix 2=configMapRef:EnvSource 3=secretRef:EnvSource",
    "EnvSource": "1=*localObjectReference:LocalObjectReference 2=optional:bool?",
    "ResourceRequirements": "1=limits:map:Quantity 2=requests:map:Quantity 3=claims[]:ResourceClaim",
    "ResourceClaim": "1=name 2=request",
    "VolumeMount": "1=name 2=readOnly:bool 3=mountPath 4=subPath 5=mountPropagation 6=subPathExpr 7=recursiveReadOnly",
    "VolumeDevice": "1=name 2=devicePath",
    "Probe": "1=*handler:ProbeHandler 2=initialDelaySeconds:int 3=timeoutSeconds:int 4=periodSeconds:int"
    " 5=successThreshold:int 6=failureThreshold:int 7=terminationGracePeriodSeconds:int?",
    "ProbeHandler": "1=exec:ExecAction 2=httpGet:HTTPGetAction 3=tcpSocket:TCPSocketAction 4=grpc:GRPCAction",
    "ExecAction": "1=command[]",
    "HTTPGetAction": "1=path 2=port:IntOrString 3=host 4=scheme 5=httpHeaders[]:HTTPHeader",
    "HTTPHeader": "1=name 2=value",
    "TCPSocketAction": "1=port:IntOrString 2=host",
    "GRPCAction": "1=port:int 2=service",
    "Lifecycle": "1=postStart:LifecycleHandler 2=preStop:LifecycleHandler 3=stopSignal",
    "LifecycleHandler": "1=exec:ExecAction 2=httpGet:HTTPGetAction 3=tcpSocket:TCPSocketAction 4=sleep:SleepAction",
    "SleepAction": "1=seconds:int",
    "SecurityContext": "1=capabilities:Capabilities 2=privileged:bool? 3=seLinuxOptions:SELinuxOptions"
    " 4=runAsUser:int? 5=runAsNonRoot:bool? 6=readOnlyRootFilesystem:bool? 7=allowPrivilegeEscalation:bool?"
    " 8=runAsGroup:int? 9=procMount 10=windowsOptions:WindowsSecurityContextOptions"
    " 11=seccompProfile:Profile 12=appArmorProfile:Profile",
    "Capabilities": "1=add[] 2=drop[]",
    "SELinuxOptions": "1=user 2=role 3=type 4=level",
    "WindowsSecurityContextOptions": "1=gmsaCredentialSpecName 2=gmsaCredentialSpec 3=runAsUserName"
    " 4=hostProcess:bool?",
    # SeccompProfile and AppArmorProfile share their layout.
    "Profile": "1=type 2=localhostProfile",
    "PodSecurityContext": "1=seLinuxOptions:SELinuxOptions 2=runAsUser:int? 3=runAsNonRoot:bool?"
    " 4=supplementalGroups[]:int 5=fsGroup:int? 6=runAsGroup:int? 7=sysctls[]:Sysctl"
    " 8=windowsOptions:WindowsSecurityContextOptions 9=fsGroupChangePolicy 10=seccompProfile:Profile"
    " 11=appArmorProfile:Profile 12=supplementalGroupsPolicy 13=seLinuxChangePolicy",
    "Sysctl": "1=name 2=value",
    "Volume": "1=name 2=*volumeSource:VolumeSource",
    "VolumeSource": "1=hostPath:HostPathVolumeSource 2=emptyDir:EmptyDirVolumeSource? 6=secret:SecretVolumeSource?"
    " 7=nfs:NFSVolumeSource 10=persistentVolumeClaim:PersistentVolumeClaimVolumeSource"
    " 16=downwardAPI:DownwardAPIVolumeSource? 19=configMap:ConfigMapVolumeSource? 26=projected:ProjectedVolumeSource?",
    "HostPathVolumeSource": "1=path 2=type",
    "EmptyDirVolumeSource": "1=medium 2=sizeLimit:Quantity",
    "SecretVolumeSource": "1=secretName 2=items[]:KeyToPath 3=defaultMode:int? 4=optional:bool?",
    "ConfigMapVolumeSource": "1=*localObjectReference:LocalObjectReference 2=items[]:KeyToPath 3=defaultMode:int?"
    " 4=optional:bool?",
    "KeyToPath": "1=key 2=path 3=mode:int?",
    "NFSVolumeSource": "1=server 2=path 3=readOnly:bool",
    "PersistentVolumeClaimVolumeSource": "1=claimName 2=readOnly:bool",
    "DownwardAPIVolumeSource": "1=items[]:DownwardAPIVolumeFile 2=defaultMode:int?",
    "DownwardAPIVolumeFile": "1=path 2=fieldRef:ObjectFieldSelector 3=resourceFieldRef:ResourceFieldSelector"
    " 4=mode:int?",
    "ProjectedVolumeSource": "1=sources[]:VolumeProjection 2=defaultMode:int?",
    "VolumeProjection": "1=secret:ObjectProjection 2=downwardAPI:DownwardAPIProjection 3=configMap:ObjectProjection"
    " 4=serviceAccountToken:ServiceAccountTokenProjection",
    "ObjectProjection": "1=*localObjectReference:LocalObjectReference 2=items[]:KeyToPath 4=optional:bool?",
    "DownwardAPIProjection": "1=items[]:DownwardAPIVolumeFile",
    "ServiceAccountTokenProjection": "1=audience 2=expirationSeconds:int? 3=path",
    "Toleration": "1=key 2=operator 3=value 4=effect 5=tolerationSeconds:int?",
    "HostAlias": "1=ip 2=hostnames[]",
    "PodDNSConfig": "1=nameservers[] 2=searches[] 3=options[]:PodDNSConfigOption",
    "PodDNSConfigOption": "1=name 2=value",
    "PodReadinessGate": "1=conditionType",
    "PodSchedulingGate": "1=name",
    "PodOS": "1=name",
    "TopologySpreadConstraint": "1=maxSkew:int 2=topologyKey 3=whenUnsatisfiable 4=labelSelector:LabelSelector"
    " 5=minDomains:int? 6=nodeAffinityPolicy 7=nodeTaintsPolicy 8=matchLabelKeys[]",
    "Affinity": "1=nodeAffinity:NodeAffinity 2=podAffinity:PodAffinity 3=podAntiAffinity:PodAffinity",
    "NodeAffinity": "1=requiredDuringSchedulingIgnoredDuringExecution:NodeSelector"
    " 2=preferredDuringSchedulingIgnoredDuringExecution[]:PreferredSchedulingTerm",
    "NodeSelector": "1=nodeSelectorTerms[]:NodeSelectorTerm",
    "NodeSelectorTerm": "1=matchExpressions[]:NodeSelectorRequirement 2=matchFields[]:NodeSelectorRequirement",
    "NodeSelectorRequirement": "1=key 2=operator 3=values[]",
    "PreferredSchedulingTerm": "1=weight:int 2=preference:NodeSelectorTerm",
    # PodAffinity and PodAntiAffinity share their layout.
    "PodAffinity": "1=requiredDuringSchedulingIgnoredDuringExecution[]:PodAffinityTerm"
    " 2=preferredDuringSchedulingIgnoredDuringExecution[]:WeightedPodAffinityTerm",
    "PodAffinityTerm": "1=labelSelector:LabelSelector 2=namespaces[] 3=topologyKey 4=namespaceSelector:LabelSelector"
    " 5=matchLabelKeys[] 6=mismatchLabelKeys[]",
    "WeightedPodAffinityTerm": "1=weight:int 2=podAffinityTerm:PodAffinityTerm",
}

APPS_BATCH = {
    "Deployment": "1=metadata:ObjectMeta 2=spec:DeploymentSpec",
    # `strategy` is not a pointer in Go, but kubectl's own JSON keeps it as `{}`: so do we.
    "DeploymentSpec": "1=replicas:int? 2=selector:LabelSelector 3=template:PodTemplateSpec"
    " 4=strategy:DeploymentStrategy? 5=minReadySeconds:int 6=revisionHistoryLimit:int? 7=paused:bool"
    " 9=progressDeadlineSeconds:int?",
    "DeploymentStrategy": "1=type 2=rollingUpdate:RollingUpdateDeployment",
    "RollingUpdateDeployment": "1=maxUnavailable:IntOrString? 2=maxSurge:IntOrString?",
    "ReplicaSet": "1=metadata:ObjectMeta 2=spec:ReplicaSetSpec",
    "ReplicaSetSpec": "1=replicas:int? 2=selector:LabelSelector 3=template:PodTemplateSpec 4=minReadySeconds:int",
    "Job": "1=metadata:ObjectMeta 2=spec:JobSpec",
    "JobSpec": "1=parallelism:int? 2=completions:int? 3=activeDeadlineSeconds:int? 4=selector:LabelSelector"
    " 5=manualSelector:bool? 6=template:PodTemplateSpec 7=backoffLimit:int? 8=ttlSecondsAfterFinished:int?"
    " 9=completionMode 10=suspend:bool? 12=backoffLimitPerIndex:int? 13=maxFailedIndexes:int?"
    " 14=podReplacementPolicy 15=managedBy",
    "CronJob": "1=metadata:ObjectMeta 2=spec:CronJobSpec",
    "CronJobSpec": "1=schedule 2=startingDeadlineSeconds:int? 3=concurrencyPolicy 4=suspend:bool?"
    " 5=jobTemplate:JobTemplateSpec 6=successfulJobsHistoryLimit:int? 7=failedJobsHistoryLimit:int? 8=timeZone",
    "JobTemplateSpec": "1=metadata:ObjectMeta 2=spec:JobSpec",
}

OTHERS = {
    "Role": "1=metadata:ObjectMeta 2=rules[]:PolicyRule",
    "ClusterRole": "1=metadata:ObjectMeta 2=rules[]:PolicyRule 3=aggregationRule:AggregationRule",
    "AggregationRule": "1=clusterRoleSelectors[]:LabelSelector",
    "PolicyRule": "1=verbs[] 2=apiGroups[] 3=resources[] 4=resourceNames[] 5=nonResourceURLs[]",
    # RoleBinding and ClusterRoleBinding share their layout.
    "RoleBinding": "1=metadata:ObjectMeta 2=subjects[]:Subject 3=roleRef:RoleRef",
    "Subject": "1=kind 2=apiGroup 3=name 4=namespace",
    "RoleRef": "1=apiGroup 2=kind 3=name",
    "Ingress": "1=metadata:ObjectMeta 2=spec:IngressSpec",
    "IngressSpec": "1=defaultBackend:IngressBackend 2=tls[]:IngressTLS 3=rules[]:IngressRule 4=ingressClassName",
    "IngressBackend": "3=resource:TypedLocalObjectReference 4=service:IngressServiceBackend",
    "IngressServiceBackend": "1=name 2=port:ServiceBackendPort",
    "ServiceBackendPort": "1=name 2=number:int",
    "TypedLocalObjectReference": "1=apiGroup 2=kind 3=name",
    "IngressTLS": "1=hosts[] 2=secretName",
    "IngressRule": "1=host 2=*ingressRuleValue:IngressRuleValue",
    "IngressRuleValue": "1=http:HTTPIngressRuleValue",
    "HTTPIngressRuleValue": "1=paths[]:HTTPIngressPath",
    "HTTPIngressPath": "1=path 2=backend:IngressBackend 3=pathType",
    "PodDisruptionBudget": "1=metadata:ObjectMeta 2=spec:PodDisruptionBudgetSpec",
    "PodDisruptionBudgetSpec": "1=minAvailable:IntOrString? 2=selector:LabelSelector 3=maxUnavailable:IntOrString?"
    " 4=unhealthyPodEvictionPolicy",
    "HorizontalPodAutoscaler": "1=metadata:ObjectMeta 2=spec:HorizontalPodAutoscalerSpec",
    "HorizontalPodAutoscalerSpec": "1=scaleTargetRef:CrossVersionObjectReference 2=minReplicas:int?"
    " 3=maxReplicas:int 4=targetCPUUtilizationPercentage:int?",
    "CrossVersionObjectReference": "1=kind 2=name 3=apiVersion",
    # autoscaling/v2, what `kubectl autoscale` sends since 1.37 (v1 only as a fallback).
    "HorizontalPodAutoscalerV2": "1=metadata:ObjectMeta 2=spec:HorizontalPodAutoscalerSpecV2",
    "HorizontalPodAutoscalerSpecV2": "1=scaleTargetRef:CrossVersionObjectReference 2=minReplicas:int?"
    " 3=maxReplicas:int 4=metrics[]:MetricSpec 5=behavior:HorizontalPodAutoscalerBehavior",
    "MetricSpec": "1=type 2=object:ObjectMetricSource 3=pods:MetricSource 4=resource:ResourceMetricSource"
    " 5=containerResource:ResourceMetricSource 6=external:MetricSource",
    "ResourceMetricSource": "1=name 2=target:MetricTarget 3=container",
    "ObjectMetricSource": "1=describedObject:CrossVersionObjectReference 2=target:MetricTarget"
    " 3=metric:MetricIdentifier",
    # PodsMetricSource and ExternalMetricSource share their layout.
    "MetricSource": "1=metric:MetricIdentifier 2=target:MetricTarget",
    "MetricIdentifier": "1=name 2=selector:LabelSelector",
    "MetricTarget": "1=type 2=value:Quantity 3=averageValue:Quantity 4=averageUtilization:int?",
    "HorizontalPodAutoscalerBehavior": "1=scaleUp:HPAScalingRules 2=scaleDown:HPAScalingRules",
    "HPAScalingRules": "1=selectPolicy 2=policies[]:HPAScalingPolicy 3=stabilizationWindowSeconds:int?"
    " 4=tolerance:Quantity",
    "HPAScalingPolicy": "1=type 2=value:int 3=periodSeconds:int",
    "TokenRequest": "1=metadata:ObjectMeta 2=spec:TokenRequestSpec",
    "TokenRequestSpec": "1=audiences[] 3=boundObjectRef:BoundObjectReference 4=expirationSeconds:int?",
    "BoundObjectReference": "1=kind 2=apiVersion 3=name 4=uid",
}

# (apiVersion, kind) of a request body -> the message its bytes hold.
KINDS: dict[tuple[str, str], str] = {
    ("v1", "Namespace"): "Namespace",
    ("v1", "ConfigMap"): "ConfigMap",
    ("v1", "Secret"): "Secret",
    ("v1", "ServiceAccount"): "ServiceAccount",
    ("v1", "Service"): "Service",
    ("v1", "Pod"): "Pod",
    ("apps/v1", "Deployment"): "Deployment",
    ("apps/v1", "ReplicaSet"): "ReplicaSet",
    ("batch/v1", "Job"): "Job",
    ("batch/v1", "CronJob"): "CronJob",
    ("rbac.authorization.k8s.io/v1", "Role"): "Role",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "ClusterRole",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "RoleBinding",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "RoleBinding",
    ("networking.k8s.io/v1", "Ingress"): "Ingress",
    ("policy/v1", "PodDisruptionBudget"): "PodDisruptionBudget",
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "HorizontalPodAutoscaler",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "HorizontalPodAutoscalerV2",
    ("authentication.k8s.io/v1", "TokenRequest"): "TokenRequest",
}

SCALARS = frozenset({"string", "int", "bool", "bytes", "double"})
SPECIAL = frozenset({"Time", "IntOrString", "Quantity", "RawExtension"})


@dataclass(frozen=True)
class ProtoField:
    name: str
    type: str = "string"
    repeated: bool = False
    inline: bool = False  # flattened into the parent, as Go's `json:",inline"`
    pointer: bool = False  # a zero value on the wire was meant: keep it


def parse_field(spec: str) -> tuple[int, ProtoField]:
    """`13=ownerReferences[]:OwnerReference` -> (13, ProtoField("ownerReferences", "OwnerReference", True))."""
    number, rest = spec.split("=", 1)
    name, _, type_ = rest.partition(":")
    pointer = type_.endswith("?") or name.endswith("?")
    type_, name = type_.rstrip("?") or "string", name.rstrip("?")
    repeated = name.endswith("[]")
    inline = name.startswith("*")
    return int(number), ProtoField(name.removesuffix("[]").lstrip("*"), type_, repeated, inline, pointer)


def parse_message(line: str) -> dict[int, ProtoField]:
    return dict(parse_field(spec) for spec in line.split())


MESSAGES: dict[str, dict[int, ProtoField]] = {
    name: parse_message(line) for table in (META, CORE, APPS_BATCH, OTHERS) for name, line in table.items()
}
