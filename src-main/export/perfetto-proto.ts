// The messages of Perfetto's trace format that irqscope writes, with their field
// numbers as in Perfetto's protos/perfetto/trace/ (trace.proto, trace_packet.proto,
// track_event/track_event.proto, track_descriptor.proto, counter_descriptor.proto,
// debug_annotation.proto, interned_data/interned_data.proto): only these messages
// and fields, so the schema is small, but every number is Perfetto's own, and
// a reader with the full schema decodes the file the same way.
import protobuf from 'protobufjs';

export const PERFETTO_SCHEMA = `
syntax = "proto2";
package perfetto.protos;

message Trace {
  repeated TracePacket packet = 1;
}

message TracePacket {
  optional uint64 timestamp = 8;
  optional uint32 trusted_packet_sequence_id = 10;
  optional TrackEvent track_event = 11;
  optional InternedData interned_data = 12;
  optional uint32 sequence_flags = 13;
  optional TrackDescriptor track_descriptor = 60;
}

message TrackDescriptor {
  optional uint64 uuid = 1;
  optional string name = 2;
  optional uint64 parent_uuid = 5;
  optional CounterDescriptor counter = 8;
}

message CounterDescriptor {
  enum Unit {
    UNIT_UNSPECIFIED = 0;
    UNIT_TIME_NS = 1;
    UNIT_COUNT = 2;
    UNIT_SIZE_BYTES = 3;
  }
  optional Unit unit = 3;
}

message TrackEvent {
  enum Type {
    TYPE_UNSPECIFIED = 0;
    TYPE_SLICE_BEGIN = 1;
    TYPE_SLICE_END = 2;
    TYPE_INSTANT = 3;
    TYPE_COUNTER = 4;
  }
  repeated uint64 category_iids = 3;
  repeated DebugAnnotation debug_annotations = 4;
  optional Type type = 9;
  oneof name_field {
    uint64 name_iid = 10;
    string name = 23;
  }
  optional uint64 track_uuid = 11;
  oneof counter_value_field {
    int64 counter_value = 30;
  }
  repeated fixed64 flow_ids = 47;
  repeated fixed64 terminating_flow_ids = 48;
}

message DebugAnnotation {
  oneof name_field {
    uint64 name_iid = 1;
    string name = 10;
  }
  oneof value {
    uint64 uint_value = 3;
    string string_value = 6;
  }
}

message InternedData {
  repeated EventCategory event_categories = 1;
  repeated EventName event_names = 2;
  repeated DebugAnnotationName debug_annotation_names = 3;
}

message EventCategory {
  optional uint64 iid = 1;
  optional string name = 2;
}

message EventName {
  optional uint64 iid = 1;
  optional string name = 2;
}

message DebugAnnotationName {
  optional uint64 iid = 1;
  optional string name = 2;
}
`;

/** TracePacket.SequenceFlags */
export const SEQ_INCREMENTAL_STATE_CLEARED = 1;
export const SEQ_NEEDS_INCREMENTAL_STATE = 2;
export const TYPE_INSTANT = 3;
export const TYPE_COUNTER = 4;
/** CounterDescriptor.Unit */
export const UNIT_COUNT = 2;

let root: protobuf.Root | null = null;

/** The schema's message types (parsed once). */
export function perfettoType(name: 'Trace' | 'TracePacket'): protobuf.Type {
  root ??= protobuf.parse(PERFETTO_SCHEMA, { keepCase: true }).root;
  return root.lookupType(`perfetto.protos.${name}`);
}
