import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Receiver(_message.Message):
    __slots__ = ("group_name", "integration", "idx")
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    IDX_FIELD_NUMBER: _ClassVar[int]
    group_name: str
    integration: str
    idx: int
    def __init__(self, group_name: _Optional[str] = ..., integration: _Optional[str] = ..., idx: _Optional[int] = ...) -> None: ...

class Entry(_message.Message):
    __slots__ = ("group_key", "receiver", "group_hash", "resolved", "timestamp", "firing_alerts", "resolved_alerts", "receiver_data")
    class ReceiverDataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: ReceiverDataValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[ReceiverDataValue, _Mapping]] = ...) -> None: ...
    GROUP_KEY_FIELD_NUMBER: _ClassVar[int]
    RECEIVER_FIELD_NUMBER: _ClassVar[int]
    GROUP_HASH_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    FIRING_ALERTS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_ALERTS_FIELD_NUMBER: _ClassVar[int]
    RECEIVER_DATA_FIELD_NUMBER: _ClassVar[int]
    group_key: bytes
    receiver: Receiver
    group_hash: bytes
    resolved: bool
    timestamp: _timestamp_pb2.Timestamp
    firing_alerts: _containers.RepeatedScalarFieldContainer[int]
    resolved_alerts: _containers.RepeatedScalarFieldContainer[int]
    receiver_data: _containers.MessageMap[str, ReceiverDataValue]
    def __init__(self, group_key: _Optional[bytes] = ..., receiver: _Optional[_Union[Receiver, _Mapping]] = ..., group_hash: _Optional[bytes] = ..., resolved: _Optional[bool] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., firing_alerts: _Optional[_Iterable[int]] = ..., resolved_alerts: _Optional[_Iterable[int]] = ..., receiver_data: _Optional[_Mapping[str, ReceiverDataValue]] = ...) -> None: ...

class ReceiverDataValue(_message.Message):
    __slots__ = ("str_val", "int_val", "double_val")
    STR_VAL_FIELD_NUMBER: _ClassVar[int]
    INT_VAL_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_VAL_FIELD_NUMBER: _ClassVar[int]
    str_val: str
    int_val: int
    double_val: float
    def __init__(self, str_val: _Optional[str] = ..., int_val: _Optional[int] = ..., double_val: _Optional[float] = ...) -> None: ...

class MeshEntry(_message.Message):
    __slots__ = ("entry", "expires_at")
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    entry: Entry
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, entry: _Optional[_Union[Entry, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
