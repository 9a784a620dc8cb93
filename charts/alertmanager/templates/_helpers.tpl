{{/* The chart name, or nameOverride. */}}
{{- define "alertmanager.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* release-chart, or fullnameOverride; the release name alone when it already holds the chart name. */}}
{{- define "alertmanager.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The headless Service the replicas gossip through; pods get <pod>.<this> DNS names. */}}
{{- define "alertmanager.headless" -}}
{{- printf "%s-headless" (include "alertmanager.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "alertmanager.selectorLabels" -}}
app.kubernetes.io/name: {{ include "alertmanager.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "alertmanager.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "alertmanager.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "alertmanager.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "alertmanager.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "alertmanager.configName" -}}
{{- default (include "alertmanager.fullname" .) .Values.config.existingName }}
{{- end }}

{{/* The files the config object holds: alertmanager.yml plus the notification templates. */}}
{{- define "alertmanager.configFiles" -}}
alertmanager.yml: |
{{- if kindIs "string" .Values.config.content }}
{{- .Values.config.content | nindent 2 }}
{{- else }}
{{- toYaml .Values.config.content | nindent 2 }}
{{- end }}
{{- range $name, $text := .Values.templates }}
{{ $name }}: |
{{- $text | nindent 2 }}
{{- end }}
{{- end }}
