{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "orleansattest.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name used for every object. */}}
{{- define "orleansattest.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "orleansattest.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "orleansattest.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: orleansattest
{{- end -}}

{{/* Selector labels of one component ("silo" or "gateway"). */}}
{{- define "orleansattest.selectorLabels" -}}
app.kubernetes.io/name: {{ include "orleansattest.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "orleansattest.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "orleansattest.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "orleansattest.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Fails rendering on values that cannot work, with the reason. */}}
{{- define "orleansattest.validate" -}}
{{- if not (has .Values.storage.mode (list "Embedded" "Redis")) -}}
{{- fail (printf "storage.mode must be Embedded or Redis, not %q" .Values.storage.mode) -}}
{{- end -}}
{{- if and (eq .Values.storage.mode "Embedded") (gt (int .Values.silo.replicas) 1) -}}
{{- fail "storage.mode=Embedded keeps state inside one silo pod: silo.replicas must be 1 (use storage.mode=Redis to scale)" -}}
{{- end -}}
{{- if and (eq .Values.storage.mode "Redis") (not .Values.storage.existingSecret) (not .Values.storage.connectionString) -}}
{{- fail "storage.mode=Redis needs storage.existingSecret or storage.connectionString" -}}
{{- end -}}
{{- if not (has .Values.gateway.service.type (list "LoadBalancer" "NodePort")) -}}
{{- fail (printf "gateway.service.type must be LoadBalancer or NodePort, not %q" .Values.gateway.service.type) -}}
{{- end -}}
{{- if lt (int .Values.gateway.replicas) 0 -}}
{{- fail (printf "gateway.replicas must be 0 (the silo pods serve agents) or more, not %v" .Values.gateway.replicas) -}}
{{- end -}}
{{- if and (gt (int (include "orleansattest.agentReplicas" .)) 1) (not .Values.gateway.tlsSecretName) -}}
{{- fail (printf "%d pods serve agents (%s), so gateway.tlsSecretName is needed: without it each pod makes its own development CA, and an agent that trusts one pod's CA is refused by the others" (int (include "orleansattest.agentReplicas" .)) (ternary "silo.replicas with gateway.replicas=0" "gateway.replicas" (eq (include "orleansattest.agentsOnSilo" .) "true"))) -}}
{{- end -}}
{{- if and .Values.admin.enabled (not (regexMatch "^[0-9]+$" (toString .Values.admin.port))) -}}
{{- fail (printf "admin.port must be a TCP port number, not %v" .Values.admin.port) -}}
{{- end -}}
{{- if and .Values.admin.enabled (eq (int .Values.admin.port) (int .Values.gateway.port)) -}}
{{- fail "admin.port must differ from gateway.port: both are served by the same pods" -}}
{{- end -}}
{{- $handshakes := .Values.gateway.maxConcurrentHandshakes -}}
{{- $isNumber := or (kindIs "float64" $handshakes) (kindIs "int64" $handshakes) (kindIs "int" $handshakes) -}}
{{- if or (not $isNumber) (lt (float64 $handshakes) 0.0) (ne (float64 $handshakes) (float64 (int $handshakes))) -}}
{{- fail (printf "gateway.maxConcurrentHandshakes must be a whole number, 0 (unlimited) or more, not %v" $handshakes) -}}
{{- end -}}
{{- if lt (int .Values.silo.terminationGraceExtraSeconds) 1 -}}
{{- fail "silo.terminationGraceExtraSeconds must be at least 1: the pod's grace period must exceed the silo's shutdown timeout" -}}
{{- end -}}
{{- end -}}

{{/* Environment shared by silo and gateway pods: identity from the downward API and storage. */}}
{{- define "orleansattest.commonEnv" -}}
- name: POD_NAME
  valueFrom: { fieldRef: { fieldPath: metadata.name } }
- name: POD_NAMESPACE
  valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
- name: POD_IP
  valueFrom: { fieldRef: { fieldPath: status.podIP } }
- name: NODE_NAME
  valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
- name: OrleansAttest__Storage__Mode
  value: {{ .Values.storage.mode | quote }}
{{- with .Values.runtime.gcGen0Size }}
- name: DOTNET_GCgen0size
  value: {{ . | quote }}
{{- end }}
{{- if eq .Values.storage.mode "Redis" }}
- name: OrleansAttest__Storage__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ default (printf "%s-storage" (include "orleansattest.fullname" .)) .Values.storage.existingSecret }}
      key: connectionString
{{- end }}
{{- end -}}

{{/* "true" when the silo pods serve agents themselves: Embedded mode, or Redis mode with gateway.replicas 0; else "". */}}
{{- define "orleansattest.agentsOnSilo" -}}
{{- if or (eq .Values.storage.mode "Embedded") (eq (int .Values.gateway.replicas) 0) }}true{{ end -}}
{{- end -}}

{{/* Pods serving the agent endpoint (and the admin API): the silo pods when co-hosted, else the gateway replicas. */}}
{{- define "orleansattest.agentReplicas" -}}
{{- if include "orleansattest.agentsOnSilo" . }}{{ int .Values.silo.replicas }}{{ else }}{{ int .Values.gateway.replicas }}{{ end -}}
{{- end -}}

{{/* The component label of the pods serving agents. */}}
{{- define "orleansattest.agentComponent" -}}
{{- if include "orleansattest.agentsOnSilo" . }}silo{{ else }}gateway{{ end -}}
{{- end -}}

{{- define "orleansattest.adminSecretName" -}}
{{- default (printf "%s-admin" (include "orleansattest.fullname" .)) .Values.admin.existingSecret -}}
{{- end -}}

{{/*
The agent endpoint's and admin API's settings. gateway.maxConcurrentHandshakes is the release's total (it protects the
silos and their store, which every replica shares), so each replica gets its ceiling share: replicas each keeping the
per-process default would multiply the handshakes in flight and let an enrollment storm through (benchmarks/README.md
"Fleet").
*/}}
{{- define "orleansattest.agentEndpointEnv" -}}
{{- $replicas := int (include "orleansattest.agentReplicas" .) }}
{{- $total := int .Values.gateway.maxConcurrentHandshakes }}
- name: OrleansAttest__Gateway__Port
  value: {{ .Values.gateway.port | quote }}
- name: OrleansAttest__Gateway__MaxConcurrentHandshakes
  value: {{ div (add $total (sub $replicas 1)) $replicas | quote }}
{{- if .Values.gateway.tlsSecretName }}
- name: OrleansAttest__Gateway__Tls__CertificatePath
  value: /etc/orleansattest/tls/tls.crt
- name: OrleansAttest__Gateway__Tls__KeyPath
  value: /etc/orleansattest/tls/tls.key
{{- else }}
- name: OrleansAttest__Gateway__Tls__DevelopmentCaDirectory
  value: /tmp/orleansattest-dev-ca
{{- end }}
{{- if .Values.admin.enabled }}
- name: OrleansAttest__Admin__Port
  value: {{ .Values.admin.port | quote }}
- name: OrleansAttest__Admin__TokenFile
  value: /etc/orleansattest/admin/token
{{- else }}
- name: OrleansAttest__Admin__Enabled
  value: "false"
{{- end }}
{{- end -}}

{{- define "orleansattest.agentEndpointPorts" -}}
- { name: agents, containerPort: {{ .Values.gateway.port }} }
{{- if .Values.admin.enabled }}
- { name: admin, containerPort: {{ .Values.admin.port }} }
{{- end }}
{{- end -}}

{{- define "orleansattest.agentEndpointMounts" -}}
{{- if .Values.gateway.tlsSecretName }}
- { name: gateway-tls, mountPath: /etc/orleansattest/tls, readOnly: true }
{{- end }}
{{- if .Values.admin.enabled }}
- { name: admin-token, mountPath: /etc/orleansattest/admin, readOnly: true }
{{- end }}
{{- end -}}

{{- define "orleansattest.agentEndpointVolumes" -}}
{{- if .Values.gateway.tlsSecretName }}
- name: gateway-tls
  secret:
    secretName: {{ .Values.gateway.tlsSecretName }}
{{- end }}
{{- if .Values.admin.enabled }}
- name: admin-token
  secret:
    secretName: {{ include "orleansattest.adminSecretName" . }}
    items:
      - { key: token, path: token }
{{- end }}
{{- end -}}
