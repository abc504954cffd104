//! Names: communities, streets and estates of the source articles, people's names, phone
//! numbers and plates.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;

/// The communities named in the source articles (see the module documentation).
pub(crate) const COMMUNITIES: [&str; 8] = [
    "翠生社区",
    "西华社区",
    "平顺社区",
    "正义社区",
    "帅府社区",
    "富民社区",
    "红光太古山社区",
    "京畿路社区",
];

/// Street offices of the city district, the demo's own first (Shenyang's 沈河区 and its
/// neighbours); the offices of a city after the last are numbered.
pub(crate) const DISTRICTS: [&str; 16] = [
    "皇城街道",
    "大西街道",
    "山东庙街道",
    "朱剪炉街道",
    "滨河街道",
    "万莲街道",
    "大南街道",
    "风雨坛街道",
    "五里河街道",
    "泉园街道",
    "新北站街道",
    "南塔街道",
    "太原街街道",
    "北市场街道",
    "南市场街道",
    "集贤街道",
];

/// Community names common in the city, for the offices after the demo's own (eight each, in
/// turn).
pub(crate) const CITY_COMMUNITIES: [&str; 24] = [
    "和平社区",
    "新华社区",
    "光明社区",
    "幸福社区",
    "建设社区",
    "友谊社区",
    "团结社区",
    "胜利社区",
    "民主社区",
    "文化社区",
    "长青社区",
    "春晓社区",
    "东风社区",
    "红旗社区",
    "朝阳社区",
    "向阳社区",
    "南湖社区",
    "北陵社区",
    "青年社区",
    "大学社区",
    "滨河社区",
    "万泉社区",
    "五爱社区",
    "惠工社区",
];

/// The name of the city's street office number `k` (from 0: the demo's own).
pub(crate) fn district(k: usize) -> String {
    match k / DISTRICTS.len() {
        0 => DISTRICTS[k].to_string(),
        round => format!("{}（{}）", DISTRICTS[k % DISTRICTS.len()], round + 1),
    }
}

/// The communities of street office number `k`: the source articles' for the demo's own, the
/// city's common names for the others.
pub(crate) fn communities(k: usize) -> [&'static str; 8] {
    if k == 0 {
        return COMMUNITIES;
    }
    std::array::from_fn(|c| CITY_COMMUNITIES[(8 * (k - 1) + c) % CITY_COMMUNITIES.len()])
}

/// Communities that run a temporary vaccination point (疫苗加油站), by index.
pub(crate) const POINT_COMMUNITIES: [usize; 2] = [3, 4];

/// Street names for addresses, two per community.
pub(crate) const STREETS: [&str; 16] = [
    "正阳街",
    "朝阳街",
    "中街路",
    "北顺城路",
    "南顺城路",
    "东顺城街",
    "西顺城街",
    "大西路",
    "小西路",
    "小南街",
    "风雨坛街",
    "热闹路",
    "大南街",
    "北中街",
    "文艺路",
    "市府大路",
];

/// Housing estates, one per community besides the one named after it.
pub(crate) const ESTATES: [&str; 8] = [
    "和平里",
    "锦绣苑",
    "幸福家园",
    "新华小区",
    "光明里",
    "建设小区",
    "友谊小区",
    "春和苑",
];

/// Family names, the most frequent first.
pub(crate) const FAMILY: [&str; 60] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "肖", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "阎", "关", "佟", "白", "崔", "姜", "范", "田", "任", "石", "金",
];

/// Given names of women born in the 1930s–1960s.
pub(crate) const ELDER_WOMEN: [&str; 34] = [
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "淑珍", "凤兰", "玉珍", "秀珍", "淑兰", "桂芝", "素珍",
    "凤英", "玉梅", "淑华", "丽华", "玉华", "桂珍", "淑琴", "秀云", "凤琴", "玉芬", "秀芳", "淑贤",
    "翠兰", "金凤", "宝珍", "兰英", "桂荣", "玉霞", "敏", "英", "兰", "珍",
];

/// Given names of men born in the 1930s–1960s.
pub(crate) const ELDER_MEN: [&str; 34] = [
    "德明", "国庆", "建国", "志刚", "振华", "福生", "玉林", "长顺", "永和", "宝山", "德胜", "凤山",
    "文彬", "树林", "殿臣", "广田", "洪喜", "玉祥", "德福", "国栋", "春生", "景山", "庆林", "连生",
    "忠义", "成林", "保国", "学文", "世杰", "长林", "军", "林", "山", "海",
];

/// Given names of younger adults (drivers, community workers).
pub(crate) const YOUNGER: [&str; 36] = [
    "伟", "磊", "浩", "洋", "勇", "杰", "涛", "斌", "鹏", "超", "婷", "静", "丽", "娜", "晶", "颖",
    "丹", "晓东", "海涛", "志强", "丽娜", "春雨", "晓燕", "建华", "海波", "宏伟", "雪梅", "红梅",
    "晓光", "立新", "明辉", "佳怡", "思远", "文博", "欣悦", "俊峰",
];

/// Letters used on Chinese number plates (no I, no O).
pub(crate) const PLATE_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

/// A family name, the frequent ones more often.
pub(crate) fn family_name(rng: &mut StdRng) -> &'static str {
    let u: f64 = rng.random();
    FAMILY[((u * u) * FAMILY.len() as f64) as usize % FAMILY.len()]
}

/// A fake mobile number, unique within `used`.
pub(crate) fn phone(rng: &mut StdRng, used: &mut HashSet<String>) -> String {
    const PREFIXES: [&str; 12] = [
        "130", "131", "133", "135", "136", "138", "139", "150", "152", "158", "186", "189",
    ];
    loop {
        let p = format!(
            "{}{:08}",
            PREFIXES[rng.random_range(0..PREFIXES.len())],
            rng.random_range(0..100_000_000u32)
        );
        if used.insert(p.clone()) {
            return p;
        }
    }
}

/// A younger adult's name (driver, community worker).
pub(crate) fn younger_name(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        family_name(rng),
        YOUNGER[rng.random_range(0..YOUNGER.len())]
    )
}

/// A plate of Shenyang (辽A).
pub(crate) fn plate(rng: &mut StdRng) -> String {
    let chars: String = (0..5)
        .map(|_| PLATE_CHARS[rng.random_range(0..PLATE_CHARS.len())] as char)
        .collect();
    format!("辽A·{chars}")
}
