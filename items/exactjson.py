"""Django's JSON serializer without its millisecond rounding, so a backup keeps every time exact.

DjangoJSONEncoder cuts microseconds to milliseconds (ECMA-262 dates), so a row saved at
12:00:00.000500 would come back from a restore as 12:00:00. Loading needs nothing special:
Django's JSON deserializer already reads full ISO 8601, so restore uses the plain "json" format.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
