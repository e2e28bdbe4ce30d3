//! Compiles the contracts with protox (pure Rust) so no system `protoc` is needed.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "renrakucho/common.proto",
        "renrakucho/identity.proto",
        "renrakucho/offices.proto",
        "renrakucho/careboard.proto",
        "renrakucho/notify.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    let fds = protox::compile(protos, ["."])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .include_file("renrakucho.rs")
        .compile_fds(fds)?;
    Ok(())
}
