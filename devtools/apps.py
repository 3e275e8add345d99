from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "devtools"
    verbose_name = "開発用ツール（デモ・ベンチマーク）"
