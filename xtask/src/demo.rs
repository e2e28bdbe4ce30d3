//! `cargo xtask run --demo`: the running system gets a sample city (`system_tests::demo`), made
//! through the gateway's API as people would make it, so a newcomer can open a board at once on a
//! PC and on a phone. A second run finds the city there and adds nothing.

use system_tests::Stack;
use system_tests::demo::{self, City};

/// Seeds the city and says how to sign in to it.
pub async fn seed(stack: &Stack) -> anyhow::Result<()> {
    eprintln!("xtask: seeding the demo city");
    let dir = stack.dir.join("demo");
    let city = demo::seed(stack, &dir).await?;
    report(&city);
    Ok(())
}

fn report(city: &City) {
    let a = city.added;
    if a == demo::Added::default() {
        println!("Demo city: already there, nothing added.");
    } else {
        println!(
            "Demo city: added {} offices, {} device certificates, {} people, {} recipients, {} posts.",
            a.offices, a.devices, a.people, a.recipients, a.posts
        );
    }
    println!(
        "  device certificates (import password: {}):",
        demo::P12_PASSWORD
    );
    for o in &city.offices {
        println!("    {}（{}）: {}", o.name, o.kind, o.p12.display());
    }
    println!("  people (password for each: {}):", demo::PASSWORD);
    for p in &city.people {
        let admin = if p.admin { "、事業所管理者" } else { "" };
        println!(
            "    {} {}（{}{admin}）: {}",
            p.login_id, p.name, p.profession, p.office
        );
    }
    println!("  recipients: {}", city.recipients.join("、"));
    println!("  Each person signs in on their own office's device certificate.");
}
