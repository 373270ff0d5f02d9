{{/* Names and labels shared by every object of the release. */}}
{{- define "hallpass.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hallpass.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "hallpass.labels" -}}
{{ include "hallpass.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Refuses what would lose or double messages, before anything is applied. */}}
{{- define "hallpass.checks" -}}
{{- if not (has .Values.database.kind (list "sqlite" "postgres")) -}}
{{- fail "database.kind must be sqlite or postgres" -}}
{{- end -}}
{{- if and (gt (int .Values.replicaCount) 1) (eq .Values.database.kind "sqlite") -}}
{{- fail "replicaCount above 1 needs database.kind: postgres (a SQLite file has one writer; two pods would send twice)" -}}
{{- end -}}
{{- if and (eq .Values.database.kind "postgres") (not (has "HALLPASS_DATABASE_URL" .Values.secrets.keys)) -}}
{{- fail "database.kind: postgres needs HALLPASS_DATABASE_URL in secrets.keys (the URL is a secret: it holds the password)" -}}
{{- end -}}
{{- if and (eq .Values.database.kind "sqlite") .Values.database.district -}}
{{- fail "database.district is for a PostgreSQL database several districts share; a SQLite file holds one district" -}}
{{- end -}}
{{- if .Values.county.enabled -}}
{{- if eq (empty .Values.county.configMap) (empty .Values.county.secret) -}}
{{- fail "county.enabled needs one of county.configMap or county.secret (holding county.yaml and the district files)" -}}
{{- end -}}
{{- if .Values.database.district -}}
{{- fail "database.district is not used in county mode: each district's key is its file's name in the county folder" -}}
{{- end -}}
{{- else if and (not .Values.districtConfig) (not .Values.existingConfigMap) -}}
{{- fail "set districtConfig (the district's YAML) or existingConfigMap (a ConfigMap with key district.yaml), or county.enabled with county.configMap" -}}
{{- end -}}
{{- end -}}
