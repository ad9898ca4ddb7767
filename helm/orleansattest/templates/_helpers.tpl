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
{{- if and (eq .Values.storage.mode "Redis") (lt (int .Values.gateway.replicas) 1) -}}
{{- fail "storage.mode=Redis serves agents from the gateway Deployment: gateway.replicas must be at least 1" -}}
{{- end -}}
{{- if and (eq .Values.storage.mode "Redis") (gt (int .Values.gateway.replicas) 1) (not .Values.gateway.tlsSecretName) -}}
{{- fail "gateway.replicas > 1 needs gateway.tlsSecretName: without it each replica makes its own development CA, and an agent that trusts one replica's CA is refused by the others" -}}
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

{{/* Agent endpoints serving this release: the silo pod in Embedded mode, else the gateway replicas. */}}
{{- define "orleansattest.gatewayReplicas" -}}
{{- if eq .Values.storage.mode "Redis" }}{{ int .Values.gateway.replicas }}{{ else }}1{{ end -}}
{{- end -}}

{{/*
The agent endpoint's settings. gateway.maxConcurrentHandshakes is the release's total (it protects the silos and their
store, which every replica shares), so each replica gets its ceiling share: replicas each keeping the per-process
default would multiply the handshakes in flight and let an enrollment storm through (benchmarks/README.md "Fleet").
*/}}
{{- define "orleansattest.gatewayEnv" -}}
{{- $replicas := int (include "orleansattest.gatewayReplicas" .) }}
{{- $total := int .Values.gateway.maxConcurrentHandshakes }}
- name: OrleansAttest__Gateway__Port
  value: {{ .Values.gateway.port | quote }}
- name: OrleansAttest__Gateway__MaxConcurrentHandshakes
  value: {{ div (add $total (sub $replicas 1)) $replicas | quote }}
{{- include "orleansattest.gatewayTlsEnv" . }}
{{- end -}}

{{/* The agent endpoint's TLS: from the configured kubernetes.io/tls Secret, else a development CA in the pod. */}}
{{- define "orleansattest.gatewayTlsEnv" -}}
{{- if .Values.gateway.tlsSecretName }}
- name: OrleansAttest__Gateway__Tls__CertificatePath
  value: /etc/orleansattest/tls/tls.crt
- name: OrleansAttest__Gateway__Tls__KeyPath
  value: /etc/orleansattest/tls/tls.key
{{- else }}
- name: OrleansAttest__Gateway__Tls__DevelopmentCaDirectory
  value: /tmp/orleansattest-dev-ca
{{- end }}
{{- end -}}

{{- define "orleansattest.gatewayTlsMount" -}}
{{- if .Values.gateway.tlsSecretName }}
- { name: gateway-tls, mountPath: /etc/orleansattest/tls, readOnly: true }
{{- end }}
{{- end -}}

{{- define "orleansattest.gatewayTlsVolume" -}}
{{- if .Values.gateway.tlsSecretName }}
- name: gateway-tls
  secret:
    secretName: {{ .Values.gateway.tlsSecretName }}
{{- end }}
{{- end -}}
